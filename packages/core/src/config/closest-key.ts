function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      )
    }
    previous = current
  }
  return previous[b.length] as number
}

/** The known key a probable typo was meant to be, if one is close enough. */
export function closestKey(typo: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Math.max(2, Math.floor(typo.length / 3)) + 1
  for (const key of known) {
    const distance = editDistance(typo.toLowerCase(), key.toLowerCase())
    if (distance < bestDistance) {
      best = key
      bestDistance = distance
    }
  }
  return best
}
