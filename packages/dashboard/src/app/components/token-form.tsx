import { useState } from 'preact/hooks'

/** Asks for the admin token (kept in this tab only). */
export function TokenForm({ onToken, problem }: { onToken: (token: string) => void; problem: string | undefined }) {
  const [token, setToken] = useState('')
  return (
    <main class="login">
      <h1>Portcullis dashboard</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault()
          if (token.trim() !== '') onToken(token.trim())
        }}
      >
        <label for="admin-token">Admin token</label>
        <input
          id="admin-token"
          type="password"
          autocomplete="off"
          value={token}
          onInput={(event) => setToken((event.target as HTMLInputElement).value)}
          aria-describedby={problem === undefined ? undefined : 'token-problem'}
          required
        />
        <button type="submit">Open</button>
        {problem === undefined ? null : (
          <p id="token-problem" role="alert" class="problem">
            {problem}
          </p>
        )}
      </form>
    </main>
  )
}
