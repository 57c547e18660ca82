// NFC reference cases for InternS1.Text.Tests (NfcTests), computed with node's String.prototype.normalize
// (ICU), an implementation independent of InternS1.Text.Normalization. Run from this folder:
//   node nfc-cases.mjs > ../../InternS1.Text.Tests/Fixtures/nfc-cases.jsonl
// Each line: {"input": "...", "nfc": "..."}.
const out = [];
// Every code point whose NFD differs from itself: its NFD and NFKD-free variants must compose back.
for (let cp = 0; cp <= 0x2FFFF; cp++) {
  if (cp >= 0xD800 && cp <= 0xDFFF) continue;
  // Scripts added after Unicode 15.0 (the UCD version of InternS1.Text's tables): Todhri, Tulu-Tigalari,
  // Gurung Khema, Kirat Rai. Node's ICU knows them, our tables do not.
  if ((cp >= 0x105C0 && cp <= 0x105FF) || (cp >= 0x11380 && cp <= 0x113FF) || (cp >= 0x16100 && cp <= 0x1613F) || (cp >= 0x16D40 && cp <= 0x16D7F)) continue;
  if (cp >= 0xAC00 && cp <= 0xD7A3 && cp % 37 !== 0) continue; // Hangul: algorithmic, a sample suffices
  const s = String.fromCodePoint(cp);
  const d = s.normalize("NFD");
  if (d !== s) out.push({ input: d, nfc: d.normalize("NFC") });
}
// Reordering and blocking: marks of different classes in various orders after several bases.
const bases = ["a", "e", "o", "u", "A", "\u1100", "\u0915", "\u05D0", "\u3046"];
const marks = ["\u0301", "\u0300", "\u0323", "\u0308", "\u0327", "\u031B", "\u0345", "\u05B4", "\u093C", "\u3099", "\u1161", "\u11A8"];
let seed = 12345;
const rnd = (n) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
for (let i = 0; i < 400; i++) {
  let s = bases[rnd(bases.length)];
  const k = 1 + rnd(4);
  for (let j = 0; j < k; j++) s += marks[rnd(marks.length)];
  if (rnd(3) === 0) s = "x" + s + bases[rnd(bases.length)];
  out.push({ input: s, nfc: s.normalize("NFC") });
}
for (const o of out) process.stdout.write(JSON.stringify(o) + "\n");
