// Reference SentencePiece encodings for InternS1.Text.Tests (SentencePieceEncoderTests), computed with the real
// sentencepiece C++ library compiled to WebAssembly (npm @agnai/sentencepiece-js@1.1.1) on the tiny models in
// ../../InternS1.Text.Tests/Fixtures/sentencepiece (written by InternS1.Text TinySentencePieceModels). Run:
//   node sentencepiece-ref.mjs > ../../InternS1.Text.Tests/Fixtures/sentencepiece/expected.jsonl
import { createRequire } from "node:module";
import path from "node:path";
const require = createRequire(import.meta.url);
const { SentencePieceProcessor } = require("@agnai/sentencepiece-js");

const dir = path.resolve("../../InternS1.Text.Tests/Fixtures/sentencepiece");
const inputs = {
  SMILES: ["C1=CC=C(C=C1)C=O", "CC1=CC=CC=C1C=O", "CC(C)(C)OC(=O)N[C@@H](CC1=CC=CC=C1)C(=O)O", "O=C=O", "c1ccccc1 Cl", "C\u00e9C", "  CC  O  ", "Xx*{}C", "[Na+].[Cl-]"],
  IUPAC: ["2-methylpropan-1-ol", "N-(4-hydroxyphenyl)acetamide", "benzoic acid", "(2S)-2-aminopropanoic acid", "ünïcode ok"],
  FASTA: ["MKTAYIAKQRQISFVKSHFSRQLEERLGLIEVQAPILSRVGDGTQDNLSGAEKAVQVKVKALPDAQ", "ACDEFGHIKLMNPQRSTVWYXBZUO", "mkta lower"],
};
// A BPE model with the SMILES pieces, dummy prefix and whitespace squeezing on (bpe_SMILES.model, written by the test
// SentencePieceEncoderTests.BpeVariant with the same pieces).
inputs.bpe_SMILES = ["C1=CC=C(C=C1)C=O", "CC(C)(C)OC(=O)N[C@@H](CC1=CC=CC=C1)C(=O)O", "  c1ccccc1   Cl  ", "Xx*{}C", "[Na+].[Cl-]"];
for (const [name, texts] of Object.entries(inputs)) {
  const sp = new SentencePieceProcessor();
  await sp.load(path.join(dir, name.includes("_") ? `${name}.model` : `tokenizer_${name}.model`));
  for (const text of texts) {
    process.stdout.write(JSON.stringify({ model: name, text, pieces: sp.encodePieces(text), ids: sp.encodeIds(text) }) + "\n");
  }
}
