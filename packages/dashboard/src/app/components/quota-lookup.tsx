import type { QuotaUsage } from '@portcullis/core'
import { useState } from 'preact/hooks'
import type { AdminClient } from '../admin-client'

/** A consumer's quota usage, with a reset per quota. */
export function QuotaLookup({ client, onError }: { client: AdminClient; onError: (error: unknown) => void }) {
  const [consumer, setConsumer] = useState('')
  const [groups, setGroups] = useState('')
  const [usage, setUsage] = useState<{ consumer: string; quotas: QuotaUsage[] } | undefined>(undefined)

  const look = async (event?: Event) => {
    event?.preventDefault()
    if (consumer.trim() === '') return
    try {
      setUsage({ consumer, quotas: await client.quotas(consumer.trim(), groups) })
    } catch (error) {
      onError(error)
    }
  }
  const reset = async (quota: string) => {
    try {
      await client.resetQuota(usage?.consumer ?? consumer, quota)
      await look()
    } catch (error) {
      onError(error)
    }
  }
  return (
    <section aria-labelledby="quotas-heading">
      <h2 id="quotas-heading">Quotas</h2>
      <form class="inline-form" onSubmit={look}>
        <label>
          Consumer{' '}
          <input value={consumer} onInput={(event) => setConsumer((event.target as HTMLInputElement).value)} required />
        </label>
        <label>
          Groups (plans), comma-separated{' '}
          <input value={groups} onInput={(event) => setGroups((event.target as HTMLInputElement).value)} />
        </label>
        <button type="submit">Look up</button>
      </form>
      {usage === undefined ? null : usage.quotas.length === 0 ? (
        <p class="empty">No quota covers {usage.consumer}.</p>
      ) : (
        <table class="compact">
          <caption>Quota usage of {usage.consumer}</caption>
          <thead>
            <tr>
              <th scope="col">Quota</th>
              <th scope="col" class="number">
                Used
              </th>
              <th scope="col" class="number">
                Limit
              </th>
              <th scope="col">Period ends</th>
              <th scope="col">Reset</th>
            </tr>
          </thead>
          <tbody>
            {usage.quotas.map((quota) => (
              <tr key={quota.quota}>
                <td>{quota.quota}</td>
                <td class="number">{quota.used}</td>
                <td class="number">{quota.limit}</td>
                <td>{new Date(quota.periodEnd).toLocaleString()}</td>
                <td>
                  <button
                    type="button"
                    aria-label={`Reset ${quota.quota} for ${usage.consumer}`}
                    onClick={() => reset(quota.quota)}
                  >
                    Reset
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
