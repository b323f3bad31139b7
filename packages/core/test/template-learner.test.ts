import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { classifySegment, isNameLike } from '../src/stages/discovery/segment-kind'
import { OVERFLOW_TEMPLATE, TemplateLearner } from '../src/stages/discovery/template-learner'
import { type Random, seededRandom } from './seeded-random'

// --- Generated traffic whose true templates are known ---------------------------------------

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const B64URL = `${BASE62}-_`
const chars = (r: Random, alphabet: string, n: number) =>
  Array.from({ length: n }, () => alphabet[Math.floor(r() * alphabet.length)]).join('')
const hex = (r: Random, n: number) => chars(r, '0123456789abcdef', n)
const uuid = (r: Random) => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`
const int = (r: Random, max: number) => 1 + Math.floor(r() * max)

/** Samples ranks 0…n-1 with probability ∝ 1/(rank+1)^s. */
function zipf(r: Random, n: number, s: number): () => number {
  const cumulative: number[] = []
  let sum = 0
  for (let i = 0; i < n; i++) {
    sum += 1 / (i + 1) ** s
    cumulative.push(sum)
  }
  return () => {
    const x = r() * sum
    let lo = 0
    let hi = n - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((cumulative[mid] ?? 0) < x) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

const SYLLABLES = 'ka lo mi tor val oct cat ren zu bel dra fin go hex jo vim'.split(' ')
const word = (r: Random, parts: number) => Array.from({ length: parts }, () => pickOf(r, SYLLABLES)).join('')
function pickOf<T>(r: Random, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)] as T
}

interface Route {
  readonly family: 'stripe' | 'twilio' | 'github' | 'generic' | 'hotel'
  readonly method: string
  /** The true template, variables written `{}`. */
  readonly truth: string
  readonly make: () => string
}

interface Traffic {
  readonly routes: readonly Route[]
  /** The next request: its route and path. Every id it contains is added to `ids`. */
  next(): { route: Route; path: string }
  /** Every id value put into a path (not GitHub names, hotel ids or dates, which are literal by look). */
  readonly ids: Set<string>
  readonly hotelIds: Set<string>
  readonly dates: Set<string>
  readonly owners: readonly string[]
}

function traffic(seed: number): Traffic {
  const r = seededRandom(seed)
  const ids = new Set<string>()
  const hotelIds = new Set<string>()
  const dates = new Set<string>()
  const id = (value: string) => {
    ids.add(value)
    return value
  }
  const accounts = Array.from({ length: 40 }, () => `AC${hex(r, 32)}`)
  const account = zipf(r, accounts.length, 1.2)
  const owners = [...new Set(Array.from({ length: 600 }, () => word(r, 2 + Math.floor(r() * 3))))]
  const repos = [...new Set(Array.from({ length: 900 }, () => `${word(r, 2)}-${word(r, 1 + Math.floor(r() * 2))}`))]
  const owner = zipf(r, owners.length, 1)
  const repo = zipf(r, repos.length, 1)
  const hotel = zipf(r, 300, 1)
  const ghOwner = () => owners[owner()] ?? 'none'
  const ghRepo = () => repos[repo()] ?? 'none'
  const ac = () => id(accounts[account()] ?? 'none')
  const hotelId = () => {
    const value = `h${hotel() + 1}`
    hotelIds.add(value)
    return value
  }
  const day = () => {
    const value = `2026-${String(int(r, 12)).padStart(2, '0')}-${String(int(r, 28)).padStart(2, '0')}`
    dates.add(value)
    return value
  }
  const routes: Route[] = [
    { family: 'stripe', method: 'GET', truth: '/v1/customers', make: () => '/v1/customers' },
    {
      family: 'stripe',
      method: 'GET',
      truth: '/v1/customers/{}',
      make: () => `/v1/customers/${id(`cus_${chars(r, BASE62, 14)}`)}`,
    },
    {
      family: 'stripe',
      method: 'GET',
      truth: '/v1/customers/{}/sources/{}',
      make: () => `/v1/customers/${id(`cus_${chars(r, BASE62, 14)}`)}/sources/${id(`card_${chars(r, BASE62, 24)}`)}`,
    },
    { family: 'stripe', method: 'GET', truth: '/v1/customers/search', make: () => '/v1/customers/search' },
    { family: 'stripe', method: 'GET', truth: '/v1/invoices/upcoming', make: () => '/v1/invoices/upcoming' },
    {
      family: 'stripe',
      method: 'POST',
      truth: '/v1/payment_intents/{}/confirm',
      make: () => `/v1/payment_intents/${id(`pi_3${chars(r, BASE62, 23)}`)}/confirm`,
    },
    {
      family: 'stripe',
      method: 'GET',
      truth: '/v1/charges/{}',
      make: () => `/v1/charges/${id(`ch_3${chars(r, BASE62, 23)}`)}`,
    },
    {
      family: 'twilio',
      method: 'POST',
      truth: '/2010-04-01/Accounts/{}/Messages.json',
      make: () => `/2010-04-01/Accounts/${ac()}/Messages.json`,
    },
    {
      family: 'twilio',
      method: 'GET',
      truth: '/2010-04-01/Accounts/{}/Messages/{}.json',
      make: () => `/2010-04-01/Accounts/${ac()}/Messages/${id(`${pickOf(r, ['SM', 'MM'])}${hex(r, 32)}`)}.json`,
    },
    {
      family: 'twilio',
      method: 'GET',
      truth: '/2010-04-01/Accounts/{}/Calls/{}.json',
      make: () => `/2010-04-01/Accounts/${ac()}/Calls/${id(`CA${hex(r, 32)}`)}.json`,
    },
    {
      family: 'github',
      method: 'GET',
      truth: '/repos/{}/{}/issues/{}',
      make: () => `/repos/${ghOwner()}/${ghRepo()}/issues/${id(String(int(r, 40_000)))}`,
    },
    {
      family: 'github',
      method: 'GET',
      truth: '/repos/{}/{}/pulls',
      make: () => `/repos/${ghOwner()}/${ghRepo()}/pulls`,
    },
    { family: 'generic', method: 'GET', truth: '/users/me', make: () => '/users/me' },
    { family: 'generic', method: 'GET', truth: '/users/{}', make: () => `/users/${id(String(int(r, 5_000_000)))}` },
    {
      family: 'generic',
      method: 'GET',
      truth: '/users/{}/orders/{}',
      make: () => `/users/${id(String(int(r, 5_000_000)))}/orders/${id(uuid(r))}`,
    },
    { family: 'generic', method: 'GET', truth: '/search', make: () => '/search' },
    { family: 'generic', method: 'GET', truth: '/objects/{}', make: () => `/objects/${id(hex(r, 24))}` },
    { family: 'generic', method: 'GET', truth: '/reports/{}/summary', make: () => `/reports/${day()}/summary` },
    {
      family: 'generic',
      method: 'DELETE',
      truth: '/newsletter/subscribers/{}',
      make: () => `/newsletter/subscribers/${id(`${word(r, 2)}.${word(r, 1)}@example.com`)}`,
    },
    { family: 'generic', method: 'GET', truth: '/share/{}', make: () => `/share/${id(chars(r, B64URL, 22))}` },
    { family: 'hotel', method: 'GET', truth: '/api/v1/hotels', make: () => '/api/v1/hotels' },
    { family: 'hotel', method: 'GET', truth: '/api/v1/hotels/{}', make: () => `/api/v1/hotels/${hotelId()}` },
    {
      family: 'hotel',
      method: 'GET',
      truth: '/api/v1/hotels/{}/dates',
      make: () => `/api/v1/hotels/${hotelId()}/dates`,
    },
    {
      family: 'hotel',
      method: 'POST',
      truth: '/api/v1/bookings/{}/cancel',
      make: () => `/api/v1/bookings/${id(uuid(r))}/cancel`,
    },
  ]
  // A Zipf-ish mix over the routes, in a shuffled order so no family is always the busiest.
  const order = routes.map((route) => ({ route, key: r() })).sort((a, b) => a.key - b.key)
  const rank = zipf(r, routes.length, 0.9)
  return {
    routes,
    ids,
    hotelIds,
    dates,
    owners,
    next() {
      const route = order[rank()]?.route ?? (routes[0] as Route)
      return { route, path: route.make() }
    },
  }
}

const anonymous = (template: string) => template.replace(/\{[^}]*\}/g, '{}')

/** Whether `next` only turned literal positions of `previous` into variables. */
function generalises(previous: string, next: string): boolean {
  const a = previous.split('/')
  const b = next.split('/')
  return a.length === b.length && a.every((segment, i) => segment === b[i] || (b[i] ?? '').startsWith('{'))
}

interface Score {
  precision: number
  recall: number
  recovered: number
  truePositive: number
}

function score(learner: TemplateLearner, routes: readonly Route[], family?: Route['family']): Score {
  const wanted = routes.filter((route) => family === undefined || route.family === family)
  const truth = new Set(wanted.map((route) => `${route.method} ${route.truth}`))
  const prefixes = wanted.map((route) => `/${route.truth.split('/')[1]}`)
  const recovered = learner
    .endpoints()
    .filter((e) => e.template !== OVERFLOW_TEMPLATE)
    .filter((e) => family === undefined || prefixes.some((prefix) => e.template.startsWith(prefix)))
    .map((e) => `${e.method} ${anonymous(e.template)}`)
  const truePositive = recovered.filter((template) => truth.has(template)).length
  const found = [...truth].filter((template) => recovered.includes(template)).length
  return {
    precision: truePositive / recovered.length,
    recall: found / truth.size,
    recovered: recovered.length,
    truePositive,
  }
}

function withGc(): () => void {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

// --- Tests ----------------------------------------------------------------------------------

describe('segment kinds', () => {
  it.each([
    ['me', 'literal', ''],
    ['v1', 'literal', ''],
    ['upcoming', 'literal', ''],
    ['payment_intents', 'literal', ''],
    ['Messages.json', 'literal', ''],
    ['h12', 'literal', ''],
    ['how-to-build-an-api-in-2024', 'literal', ''],
    ['12345', 'integer', ''],
    ['42.json', 'integer', '.json'],
    ['550e8400-e29b-41d4-a716-446655440000', 'uuid', ''],
    ['d41d8cd98f00b204e9800998ecf8427e', 'hex', ''],
    ['5f8d0d55b54764421b7156c3', 'hex', ''],
    ['da39a3ee5e6b4b0d3255bfef95601890afd80709', 'hex', ''],
    ['2026-11-28', 'date', ''],
    ['20261128', 'date', ''],
    ['2026-02-30', 'literal', ''],
    ['jane.doe+news@example.com', 'email', ''],
    ['cus_9s8d7f6g', 'prefixed-id', ''],
    ['sk_test_4eC39HqLyjWDarjtT1zdp7dc', 'prefixed-id', ''],
    ['AC0123456789abcdef0123456789abcdef', 'prefixed-id', ''],
    ['MM0123456789abcdef0123456789abcdef.json', 'prefixed-id', '.json'],
    ['tax_rates', 'literal', ''],
    ['dGhpcyBpcyBhIHRlc3QgMTIz', 'token', ''],
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.Sfl4KxwRJSMeKKF2QT4fwpMeJf36POk6yJV', 'token', ''],
  ])('%s → %s %j', (segment, kind, suffix) => {
    expect(classifySegment(segment)).toEqual({ kind, suffix })
  })

  it('tells names from values', () => {
    for (const name of ['me', 'search', 'v2beta1', 'oauth2', 'Messages.json', 'café'])
      expect(isNameLike(name)).toBe(true)
    for (const value of ['h1', 'a1b2', '123', '{var1}', '']) expect(isNameLike(value)).toBe(false)
  })

  it('classifies a hostile segment in linear time', () => {
    const long = `${'a1_-'.repeat(50_000)}!`
    const started = performance.now()
    classifySegment(long)
    isNameLike(long)
    expect(performance.now() - started).toBeLessThan(100)
  })
})

describe('TemplateLearner', () => {
  it('recovers the true templates of generated API traffic', () => {
    const source = traffic(7)
    const learner = new TemplateLearner()
    const warmUp = 20_000
    const measured = 100_000
    const early: string[] = []
    for (let i = 1; i <= warmUp; i++) {
      const { route, path } = source.next()
      learner.observe(route.method, path)
      if (i === 500 || i === 2_000 || i === 5_000) {
        const { precision, recall } = score(learner, source.routes)
        early.push(`after ${i}: precision ${precision.toFixed(3)} recall ${recall.toFixed(3)}`)
      }
    }
    let right = 0
    const wrong = new Map<string, number>()
    for (let i = 0; i < measured; i++) {
      const { route, path } = source.next()
      const template = learner.observe(route.method, path)
      if (anonymous(template) === route.truth) right++
      else wrong.set(`${route.truth} → ${template}`, (wrong.get(`${route.truth} → ${template}`) ?? 0) + 1)
    }
    const overall = score(learner, source.routes)
    const families = (['stripe', 'twilio', 'github', 'generic', 'hotel'] as const).map((family) => ({
      family,
      ...score(learner, source.routes, family),
    }))
    const accuracy = right / measured
    console.log(
      `[template-learner] ${source.routes.length} routes, ${warmUp} warm-up + ${measured} measured requests: ` +
        `precision ${overall.precision.toFixed(3)} (${overall.truePositive}/${overall.recovered} templates), ` +
        `recall ${overall.recall.toFixed(3)}, per-request accuracy after warm-up ${accuracy.toFixed(4)}, ` +
        `${learner.nodeCount} nodes`,
    )
    console.log(`[template-learner]   warm-up: ${early.join('; ')}`)
    for (const f of families) {
      console.log(
        `[template-learner]   ${f.family}: precision ${f.precision.toFixed(3)} (${f.truePositive}/${f.recovered}), recall ${f.recall.toFixed(3)}`,
      )
    }
    const wrongest = [...wrong].sort((a, b) => b[1] - a[1]).slice(0, 5)
    if (wrongest.length > 0) console.log('[template-learner]   most frequent misses:', wrongest)
    const github = learner.endpoints().filter((e) => e.template.startsWith('/repos/'))
    console.log('[template-learner]   GitHub endpoints:', github.map((e) => `${e.template} ×${e.count}`).join(', '))

    expect(overall.precision).toBeGreaterThanOrEqual(0.9)
    expect(overall.recall).toBeGreaterThanOrEqual(0.9)
    expect(accuracy).toBeGreaterThanOrEqual(0.95)
    for (const f of families)
      if (f.family !== 'github') expect([f.family, f.precision, f.recall]).toEqual([f.family, 1, 1])
    expect(learner.nodeCount).toBeLessThan(500)
  })

  it('keeps stable literals and never puts an id in a template', () => {
    const source = traffic(11)
    const learner = new TemplateLearner()
    const seen = new Set<string>()
    for (let i = 0; i < 60_000; i++) {
      const { route, path } = source.next()
      seen.add(learner.observe(route.method, path))
    }
    const listed = learner.endpoints().map((e) => e.template)
    const leaked = [...seen, ...listed].filter((template) =>
      template.split('/').some((segment) => source.ids.has(segment) || source.ids.has(segment.replace(/\.json$/, ''))),
    )
    expect(leaked).toEqual([])
    // The first date at a position stays literal until a second one shows up (Twilio's `/2010-04-01/`).
    const datesShown = new Set([...seen].flatMap((t) => t.split('/').filter((segment) => source.dates.has(segment))))
    expect(datesShown.size).toBeLessThanOrEqual(1)
    // Hotel ids (`h17`) and dates are literal by look: kept only until the position collapses.
    const kept = listed.filter((t) => t.split('/').some((s) => source.hotelIds.has(s) || source.dates.has(s)))
    expect(kept).toEqual([])
    expect(listed).toEqual(
      expect.arrayContaining([
        '/users/me',
        '/search',
        '/v1/invoices/upcoming',
        '/v1/customers/search',
        '/v1/customers',
        '/2010-04-01/Accounts/{var1}/Messages.json',
        '/2010-04-01/Accounts/{var1}/Messages/{var2}.json',
        '/api/v1/hotels/{var1}/dates',
        '/reports/{var1}/summary',
      ]),
    )
    const owners = listed.filter((t) => t.startsWith('/repos/') && source.owners.some((o) => t.includes(`/${o}/`)))
    console.log(`[template-learner] GitHub owners left as literals after 60k requests: ${owners.length}`, owners)
  })

  it('gives a path the same template over a long stream, or a more general one after a merge', () => {
    const source = traffic(23)
    const learner = new TemplateLearner()
    for (let i = 0; i < 20_000; i++) {
      const { route, path } = source.next()
      learner.observe(route.method, path)
    }
    const probes = new Map<string, { method: string; family: string; template: string }>()
    for (let i = 0; i < 2_000; i++) {
      const { route, path } = source.next()
      probes.set(path, { method: route.method, family: route.family, template: learner.observe(route.method, path) })
    }
    let changed = 0
    let changedOutsideGithub = 0
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 10_000; i++) {
        const { route, path } = source.next()
        learner.observe(route.method, path)
      }
      for (const [path, probe] of probes) {
        const now = learner.templateOf(probe.method, path)
        if (now === probe.template) continue
        expect(generalises(probe.template, now), `${probe.template} → ${now}`).toBe(true)
        changed++
        if (probe.family !== 'github') changedOutsideGithub++
        probe.template = now
      }
    }
    console.log(
      `[template-learner] stability: ${changed} of ${probes.size} probe templates generalised over 300k requests`,
    )
    expect(changedOutsideGithub).toBe(0)
    for (const [path, probe] of probes) expect(learner.observe(probe.method, path)).toBe(probe.template)
  })

  it('collapses GitHub-style owner and repo names once there are many of them', () => {
    const summary: string[] = []
    for (const [owners, skew] of [
      [5, 1],
      [12, 1],
      [30, 1.5],
      [200, 1.2],
      [2000, 1],
    ] as const) {
      const r = seededRandom(owners)
      const names = [...new Set(Array.from({ length: owners * 3 }, () => word(r, 2 + Math.floor(r() * 3))))]
      const pool = names.slice(0, owners).map((name) => (r() < 0.3 ? `${name}${int(r, 99)}` : name))
      const repos = [...new Set(Array.from({ length: 3000 }, () => `${word(r, 2)}-${word(r, 1)}`))]
      const owner = zipf(r, pool.length, skew)
      const repo = zipf(r, repos.length, 1)
      const learner = new TemplateLearner()
      for (let i = 0; i < 50_000; i++) {
        const [o, p, k] = [pool[owner()], repos[repo()], r()]
        if (k < 0.4) learner.observe('GET', `/repos/${o}/${p}/issues/${int(r, 9999)}`)
        else if (k < 0.7) learner.observe('GET', `/repos/${o}/${p}/pulls`)
        else if (k < 0.9) learner.observe('GET', `/users/${o}`)
        else learner.observe('GET', `/orgs/${o}/repos`)
      }
      const templates = learner.endpoints().map((e) => e.template)
      const literalOwners = templates.filter((t) => pool.some((o) => t.split('/').includes(o)))
      const literalRepos = templates.filter((t) => repos.some((p) => t.split('/').includes(p)))
      const truth = ['/repos/{}/{}/issues/{}', '/repos/{}/{}/pulls', '/users/{}', '/orgs/{}/repos']
      const right = templates.filter((t) => truth.includes(anonymous(t)))
      summary.push(
        `${owners} owners (zipf ${skew}): ${templates.length} endpoints, precision ${(right.length / templates.length).toFixed(2)}, ` +
          `recall ${(new Set(right).size / truth.length).toFixed(2)}; ${literalOwners.length} with an owner literal, ` +
          `${literalRepos.length} with a repo literal, ${learner.nodeCount} nodes`,
      )
      expect(literalRepos).toEqual([])
      if (owners >= 200) {
        expect(templates).toEqual(
          expect.arrayContaining(['/repos/{var1}/{var2}/issues/{var3}', '/repos/{var1}/{var2}/pulls']),
        )
        expect(templates.filter((t) => t.startsWith('/repos/'))).toHaveLength(2)
      }
    }
    console.log(`[template-learner] GitHub-style names:\n  ${summary.join('\n  ')}`)
  })

  it('lets known templates win', () => {
    const learner = new TemplateLearner()
    expect(learner.observe('GET', '/account/12', '/account/:id')).toBe('/account/{id}')
    expect(learner.observe('GET', '/account/555')).toBe('/account/{id}')
    expect(learner.observe('GET', '/account/someone')).toBe('/account/{id}')
    expect(learner.templateOf('GET', '/account/777')).toBe('/account/{id}')
    expect(learner.observe('GET', '/files/report.json', '/files/{name}.json')).toBe('/files/{name}.json')
    expect(learner.observe('GET', '/files/other.json')).toBe('/files/{name}.json')
    expect(learner.observe('GET', '/a/7', '/a/:id(\\d+)')).toBe('/a/{id}')
    expect(learner.observe('GET', '/static/js/app.js', '/static/*path')).toBe('/static/**')
    expect(learner.observe('GET', '/static/css/site.css')).toBe('/static/**')
    // A learned variable is renamed by the route and its literals fold in.
    for (let i = 1; i <= 3; i++) learner.observe('GET', `/orders/${i}`)
    learner.observe('GET', '/orders/x7')
    expect(learner.observe('GET', '/orders/9', '/orders/{orderId}')).toBe('/orders/{orderId}')
    expect(learner.observe('GET', '/orders/x8')).toBe('/orders/{orderId}')
    expect(learner.endpoints()).toEqual(
      expect.arrayContaining([
        { method: 'GET', template: '/account/{id}', count: 3 },
        { method: 'GET', template: '/static/**', count: 2 },
        { method: 'GET', template: '/orders/{orderId}', count: 6 },
      ]),
    )
    // Not a route pattern: learned from the path instead.
    expect(learner.observe('GET', '/z/1', 'not a template')).toBe('/z/{var1}')
  })

  it('collapses a position crowded with names, keeping a settled word with a shape of its own', () => {
    const learner = new TemplateLearner()
    for (let i = 0; i < 5; i++) learner.observe('GET', '/users/me')
    const names = [
      'alice',
      'bob',
      'carol',
      'dave',
      'erin',
      'frank',
      'grace',
      'heidi',
      'ivan',
      'judy',
      'mallory',
      'oscar',
    ]
    for (const name of names) learner.observe('GET', `/users/${name}/repos`)
    expect(learner.templateOf('GET', '/users/trent/repos')).toBe('/users/{var1}/repos')
    expect(learner.templateOf('GET', '/users/alice/repos')).toBe('/users/{var1}/repos')
    expect(learner.templateOf('GET', '/users/me')).toBe('/users/me')
    // Under a reserved parent (`/`, `api`, `vN`), names never collapse: Stripe has dozens of resources.
    const resources = Array.from(
      { length: 30 },
      (_, i) => `resource${String.fromCharCode(97 + (i % 26))}${i < 26 ? '' : 'x'}`,
    )
    for (const resource of resources) for (let k = 0; k < 3; k++) learner.observe('GET', `/v1/${resource}`)
    expect(learner.templateOf('GET', '/v1/resourcez')).toBe('/v1/resourcez')
  })

  it('treats a date as literal until a second date shows up at its position', () => {
    const learner = new TemplateLearner()
    for (let i = 0; i < 5; i++) expect(learner.observe('GET', '/2010-04-01/Accounts')).toBe('/2010-04-01/Accounts')
    expect(learner.observe('GET', '/2023-10-16/Accounts')).toBe('/2023-10-16/Accounts')
    expect(learner.observe('GET', '/reports/2026-11-28')).toBe('/reports/2026-11-28')
    expect(learner.observe('GET', '/reports/2026-11-29')).toBe('/reports/{var1}')
    expect(learner.templateOf('GET', '/reports/2026-11-28')).toBe('/reports/{var1}')
  })

  it('guesses unseen paths without learning or echoing values', () => {
    const learner = new TemplateLearner()
    expect(learner.templateOf('GET', '/v1/customers/cus_9s8d7f6gAB/h7')).toBe('/v1/customers/{var1}/{var2}')
    expect(learner.endpoints()).toEqual([])
    expect(learner.nodeCount).toBe(0)
  })

  it('bounds memory: a million distinct ids stay one endpoint', () => {
    const gc = withGc()
    const learner = new TemplateLearner()
    learner.observe('GET', '/v1/customers/cus_warmUp0001')
    gc()
    const before = process.memoryUsage().heapUsed
    const started = performance.now()
    for (let i = 0; i < 1_000_000; i++) {
      learner.observe('GET', `/v1/customers/cus_${(Math.imul(i, 2654435761) >>> 0).toString(36)}X${i}`)
      learner.observe('GET', `/api/v1/hotels/h${i}/dates`)
    }
    const elapsed = performance.now() - started
    gc()
    const delta = process.memoryUsage().heapUsed - before
    console.log(
      `[template-learner] 2M observes of 2M distinct ids: heap delta ${(delta / 1e6).toFixed(2)} MB, ` +
        `${learner.nodeCount} nodes, ${((elapsed * 1000) / 2_000_000).toFixed(2)} µs/observe (id generation included)`,
    )
    expect(learner.endpoints()).toEqual([
      { method: 'GET', template: '/v1/customers/{var1}', count: 1_000_001 },
      { method: 'GET', template: '/api/v1/hotels/{var1}/dates', count: 1_000_000 },
    ])
    expect(learner.nodeCount).toBeLessThan(20)
    expect(delta).toBeLessThan(20e6)
  })

  it('counts what it cannot keep in an overflow bucket', () => {
    const learner = new TemplateLearner({ maxNodes: 100, maxSegments: 8 })
    let total = 0
    const r = seededRandom(3)
    // Distinct settled words at the root (a reserved position): each takes a node until the cap.
    for (let i = 0; i < 500; i++) {
      const path = `/${word(r, 3)}${chars(r, 'qwxyz', 4)}`
      for (let k = 0; k < 3; k++, total++) learner.observe('GET', path)
    }
    // Names that never settle: past the threshold they go straight to the bucket.
    for (let i = 0; i < 1000; i++, total++) learner.observe('POST', `/${word(r, 3)}${chars(r, 'qwxyz', 6)}`)
    expect(learner.observe('GET', `/${'a/'.repeat(9)}`)).toBe(OVERFLOW_TEMPLATE)
    expect(learner.observe('GET', 'relative')).toBe(OVERFLOW_TEMPLATE)
    total += 2
    const endpoints = learner.endpoints()
    const overflow = endpoints.find((e) => e.template === OVERFLOW_TEMPLATE)
    expect(learner.nodeCount).toBeLessThanOrEqual(100)
    expect(overflow?.method).toBe('*')
    expect(overflow?.count).toBeGreaterThan(1000)
    expect(endpoints.reduce((sum, e) => sum + e.count, 0)).toBe(total)
  })

  it('observes in a few microseconds', () => {
    const source = traffic(5)
    const paths = Array.from({ length: 200_000 }, () => source.next())
    const learner = new TemplateLearner()
    for (const { route, path } of paths) learner.observe(route.method, path)
    const rounds = 5
    const started = performance.now()
    for (let round = 0; round < rounds; round++)
      for (const { route, path } of paths) learner.observe(route.method, path)
    const perObserve = ((performance.now() - started) * 1000) / (rounds * paths.length)
    const known = paths.map(({ route, path }) => ({ route, path, template: route.truth.replace(/\{\}/g, ':id') }))
    const knownStarted = performance.now()
    for (let round = 0; round < rounds; round++) {
      for (const { route, path, template } of known) learner.observe(route.method, path, template)
    }
    const perKnown = ((performance.now() - knownStarted) * 1000) / (rounds * known.length)
    console.log(
      `[template-learner] ${perObserve.toFixed(3)} µs per observe over the mixed traffic, ` +
        `${perKnown.toFixed(3)} µs with a known template`,
    )
    expect(perObserve).toBeLessThan(10)
    expect(perKnown).toBeLessThan(10)
  })
})
