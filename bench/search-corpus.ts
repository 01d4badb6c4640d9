/**
 * Deterministic chat text and search queries for `bench/search.ts`: word frequencies follow Zipf's
 * law over a 30,000-word vocabulary (the first ones real English words), about 8% of messages are
 * Chinese or Japanese text without spaces and 2% mix both.
 */

const COMMON = (
  'the to and a i you it is of in that we for on this be at with have are not do was so but just ' +
  'ok can will my what me get if meeting all know up your about out like today there one now tomorrow ' +
  'time deploy build fix review lunch call please thanks think good when how yes no see go new ' +
  'release test server client bug issue team people work done need back make again'
).split(' ');
const SYLLABLES = 'ka ri to mo na sa le vi po du ren tal mir gos bel fan tor quin zel dar lo mi pe xu an or el us ip yo ha be ci'.split(' ');
const CJK_WORDS = ['北京', '上海', '会议', '明天', '项目', '上线', '测试', '周末', '烤鸭', '服务器', '東京', 'タワー', 'ありがとう', '会議室', '大丈夫'];
const CJK_CHAR_COUNT = 2500;

export type QueryKind = 'common word' | 'medium word' | 'rare word' | 'two words' | 'phrase' | 'exclusion' | 'prefix' | 'cjk' | 'cjk 1 char';

export interface BenchQuery {
  kind: QueryKind;
  q: string;
  chatId?: string;
  order?: 'rank';
}

export type Corpus = ReturnType<typeof createCorpus>;

export function createCorpus(seed: number) {
  const random = mulberry32(seed);
  const vocabulary = [...COMMON];
  const seen = new Set(vocabulary);
  while (vocabulary.length < 30_000) {
    const parts = 2 + Math.floor(random() * 3);
    let word = '';
    for (let p = 0; p < parts; p += 1) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    if (!seen.has(word)) {
      seen.add(word);
      vocabulary.push(word);
    }
  }
  const pickWord = zipf(vocabulary.length, 1.0, random);
  const pickChar = zipf(CJK_CHAR_COUNT, 0.9, random);
  const hanChar = (rank: number) => String.fromCodePoint(0x4e00 + ((rank * 7919) % 20_000));
  const samples: string[] = [];
  const cjkSamples: string[] = [];

  const latin = (words: number) => Array.from({ length: words }, () => vocabulary[pickWord()]).join(' ');
  const cjk = (chars: number) => {
    let text = '';
    while (text.length < chars) text += random() < 0.15 ? CJK_WORDS[Math.floor(random() * CJK_WORDS.length)] : hanChar(pickChar());
    return text;
  };

  return {
    /** One message's text. */
    message(): string {
      const r = random();
      let text: string;
      if (r < 0.08) {
        text = cjk(6 + Math.floor(random() * 30));
        if (cjkSamples.length < 2000 && random() < 0.01) cjkSamples.push(text);
      } else if (r < 0.1) {
        text = `${latin(2 + Math.floor(random() * 5))} ${cjk(4 + Math.floor(random() * 10))}`;
      } else {
        text = latin(4 + Math.floor(random() * 20));
      }
      if (random() < 0.002 && samples.length < 2000) samples.push(text);
      return text;
    },

    /** `count` varied queries; every other one limited to one of `chatIds`, one in four by rank. */
    queries(count: number, chatIds: readonly string[]): BenchQuery[] {
      const mix: [QueryKind, number][] = [
        ['common word', 30], ['medium word', 25], ['rare word', 30], ['two words', 15], ['phrase', 25],
        ['exclusion', 20], ['prefix', 20], ['cjk', 25], ['cjk 1 char', 10],
      ];
      const total = mix.reduce((sum, [, n]) => sum + n, 0);
      const wordIn = (from: number, to: number) => vocabulary[from + Math.floor(random() * (to - from))] as string;
      const latinSamples = samples.filter((s) => /^[a-z ]+$/.test(s) && s.split(' ').length >= 3);
      const out: BenchQuery[] = [];
      for (const [kind, share] of mix) {
        for (let i = 0; i < Math.round((share / total) * count); i += 1) {
          let q: string;
          switch (kind) {
            case 'common word': q = wordIn(0, 50); break;
            case 'medium word': q = wordIn(500, 3000); break;
            case 'rare word': q = wordIn(10_000, 30_000); break;
            case 'two words': q = `${wordIn(0, 100)} ${wordIn(100, 3000)}`; break;
            case 'phrase': {
              const words = (latinSamples[Math.floor(random() * latinSamples.length)] ?? 'the meeting').split(' ');
              const at = Math.floor(random() * Math.max(1, words.length - 2));
              q = `"${words.slice(at, at + 2 + Math.floor(random() * 2)).join(' ')}"`;
              break;
            }
            case 'exclusion': q = `${wordIn(0, 300)} -${wordIn(0, 50)}`; break;
            case 'prefix': q = wordIn(300, 20_000).slice(0, 3 + Math.floor(random() * 3)); break;
            case 'cjk': {
              const sample = cjkSamples[Math.floor(random() * cjkSamples.length)] ?? '北京';
              const at = Math.floor(random() * Math.max(1, sample.length - 3));
              q = random() < 0.3 ? (CJK_WORDS[Math.floor(random() * CJK_WORDS.length)] as string) : sample.slice(at, at + 2 + Math.floor(random() * 3));
              break;
            }
            case 'cjk 1 char': q = hanChar(Math.floor(random() * 50)); break;
          }
          out.push({ kind, q });
        }
      }
      // Interleave kinds, then limit every other query to a chat and rank one in four.
      const shuffled = out.map((query) => ({ query, key: random() })).sort((a, b) => a.key - b.key).map((x) => x.query);
      return shuffled.slice(0, count).map((query, i) => ({
        ...query,
        ...(i % 2 === 1 ? { chatId: chatIds[Math.floor(random() * chatIds.length)] as string } : {}),
        ...(i % 4 === 2 ? { order: 'rank' as const } : {}),
      }));
    },
  };
}

/** A sampler of ranks 0…n−1 with P(rank) ∝ 1 / (rank + 1)^s. */
function zipf(n: number, s: number, random: () => number): () => number {
  const cumulative = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i += 1) {
    sum += 1 / (i + 1) ** s;
    cumulative[i] = sum;
  }
  return () => {
    const target = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
