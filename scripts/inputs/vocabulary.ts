// The words of the generated texts: common English by rank, words with
// letters beyond ASCII, and pseudo-words made of syllables for the long tail.

import { Rng, Zipf } from './random';

// The most common English words, roughly by rank (the head of the Zipf law).
export const COMMON = `the and of to a in that he was it his i you her had with as for she not at but is
on be my him by have all so which this said me from they were one we there no what or if when
an would are them been their up out then who will could into do your more very little now
some man upon like time any well only over about did know than before old such other our
can see down these say much should made great must come after two went way good never us how
again may back first here came where long go ever think shall its even though day away eyes
own own hand through life nothing thought those most once house something while without yes
let face still under just too take young make night upon being am last every things might
found night left looked father mother whom tell seemed place heard head told many each same
why went sir door round saw get mind against thing three love another people heart always
home room because world began between whole asked himself herself poor knew voice work light
both looked gave took felt moment half yet better better girl boy woman friend found men
also part almost ought till seen quite since far enough whose rather small side morning
towards among went turned answered cried really years done soon perhaps water passed stood
white next sat behind certain end children soon course death god indeed looked half hands
word words name brought thus going give country right called lay nor help dear mean put
dark round fire sea air open feet kind town done manner present full high far hardly hope
whether table keep thou hear king wife told letter dead leave air during new set till close
read money remember believe less least hour nearly speak rest feel certain child ran often
evening returned black already almost become held either wish beautiful poor whom began fell
around myself across doubt matter fear short above cannot among bed lady miss strange bad
don't didn't can't won't it's i'm that's you're i'll wasn't couldn't isn't there's he's`
  .split(/\s+/)
  .filter((w, i, all) => w && all.indexOf(w) === i);

// Words with letters beyond ASCII: accents, Greek, Cyrillic, a combining
// accent (e + U+0301, which splits a word in two), fullwidth letters, and
// letters outside the BMP (Deseret, mathematical script, Gothic).
export const SPECIAL = [
  'café',
  'naïve',
  'résumé',
  'fiancée',
  'über',
  'Müller',
  'señor',
  'niño',
  'mañana',
  'straße',
  'Größe',
  'façade',
  'déjà',
  'Zoë',
  'λόγος',
  'ψυχή',
  'Αθήνα',
  'καλός',
  'слово',
  'Москва',
  'мир',
  'человек',
  'cafe\u0301',
  'naı\u0308ve',
  'ＡＢＣ',
  'ｗｏｒｄ',
  '\u{10400}\u{1042F}\u{10445}',
  '\u{10437}\u{1042F}',
  '\u{1D49C}\u{1D4B7}\u{1D4B8}',
  '\u{1D49E}ode',
  '\u{10330}\u{10331}\u{10332}',
  'k\u{10330}t',
];

const ONSETS = [
  'b',
  'c',
  'd',
  'f',
  'g',
  'h',
  'j',
  'k',
  'l',
  'm',
  'n',
  'p',
  'r',
  's',
  't',
  'v',
  'w',
  'br',
  'ch',
  'cl',
  'cr',
  'dr',
  'fl',
  'gr',
  'pl',
  'pr',
  'sh',
  'sl',
  'st',
  'str',
  'th',
  'tr',
  'wh',
  '',
];
const NUCLEI = ['a', 'e', 'i', 'o', 'u', 'a', 'e', 'i', 'o', 'ea', 'ai', 'ou', 'oo', 'ee', 'y'];
const CODAS = ['', '', '', 'n', 'r', 's', 't', 'l', 'm', 'nd', 'st', 'ng', 'ck', 'th', 'rt', 'ss', 'ld'];
const SUFFIXES = ['', '', '', '', '', '', '', '', 'ed', 'ing', 's', 's', 'ly', 'er', 'ness', 'ful', 'tion'];
const SYLLABLE_COUNTS = [1, 1, 1, 2, 2, 2, 2, 3, 3, 4];

export function pseudoWord(rng: Rng, minSyllables: number, maxSyllables: number): string {
  let word = '';
  const n = Math.min(maxSyllables, Math.max(minSyllables, rng.pick(SYLLABLE_COUNTS)));
  for (let i = 0; i < n; i++) word += rng.pick(ONSETS) + rng.pick(NUCLEI) + (i === n - 1 ? rng.pick(CODAS) : '');
  return word + rng.pick(SUFFIXES);
}

/** Distinct pseudo-words, none equal to a word in `taken`. */
export function pseudoWords(rng: Rng, count: number, taken: Set<string>, min = 1, max = 4): string[] {
  const words: string[] = [];
  while (words.length < count) {
    const word = pseudoWord(rng, min, max);
    if (word.length < 3 || taken.has(word)) continue;
    taken.add(word);
    words.push(word);
  }
  return words;
}

export function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

export function romanNumeral(n: number): string {
  const table: Array<[number, string]> = [
    [40, 'XL'],
    [10, 'X'],
    [9, 'IX'],
    [5, 'V'],
    [4, 'IV'],
    [1, 'I'],
  ];
  let out = '';
  for (const [value, letters] of table) {
    while (n >= value) {
      out += letters;
      n -= value;
    }
  }
  return out;
}

/** The words shared by every text: common English, then a long tail. */
export interface Vocabulary {
  words: string[];
  zipf: Zipf;
  taken: Set<string>;
}

export function makeVocabulary(seed: string): Vocabulary {
  const rng = new Rng(`${seed}/vocabulary`);
  const taken = new Set(COMMON);
  const words = [...COMMON, ...pseudoWords(rng, 10000, taken)];
  return { words, zipf: new Zipf(words.length, 1.12, 2.5), taken };
}
