// The same rule commander applies to a mistyped command or option (its suggestSimilar is not exported):
// optimal string alignment distance of at most 3, and the candidate must share over 40 % of the word.

const MAX_DISTANCE = 3;
const MIN_SIMILARITY = 0.4;

/** The closest candidates to `word` (ties all kept, sorted), or none when nothing is close enough. */
export function suggestSimilar(word: string, candidates: readonly string[]): string[] {
  let best = MAX_DISTANCE;
  let similar: string[] = [];
  for (const candidate of new Set(candidates)) {
    if (candidate.length <= 1 || candidate === word) continue;
    const distance = editDistance(word, candidate);
    const length = Math.max(word.length, candidate.length);
    if ((length - distance) / length <= MIN_SIMILARITY || distance > best) continue;
    if (distance < best) similar = [];
    best = distance;
    similar.push(candidate);
  }
  return similar.sort((a, b) => a.localeCompare(b));
}

/** "; did you mean databases?" or "". */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const similar = suggestSimilar(word, candidates);
  if (similar.length === 0) return '';
  return similar.length === 1 ? `; did you mean ${similar[0]}?` : `; did you mean one of ${similar.join(', ')}?`;
}

/** Damerau-Levenshtein (optimal string alignment): a swapped pair of letters costs 1. Words are config keys: short. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, d[i - 2]![j - 2]! + 1);
      d[i]![j] = value;
    }
  }
  return d[a.length]![b.length]!;
}
