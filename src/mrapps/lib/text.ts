// Splitting text into words, as the course's apps do with Go's
// strings.FieldsFunc and unicode.IsLetter: a word is a maximal run of
// letters (Unicode general category L), wherever they are in Unicode.

const WORD = /\p{L}+/gu;

/** The words of `contents`, in order, with repeats. */
export function words(contents: string): string[] {
  return contents.match(WORD) ?? [];
}
