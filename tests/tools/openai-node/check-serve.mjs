// A second, independent client of `interns1 serve`: the official openai npm package (pinned in package.json)
// runs the cases of the .NET tests and prints what it received as one JSON object; InternS1.Batch.Http.Tests
// (NodeClientTests) runs it and asserts on it. Usage: node check-serve.mjs BASE_URL API_KEY PNG_FILE
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';

const [, , baseURL, apiKey, pngFile] = process.argv;
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const out = {};

const models = await client.models.list();
out.models = models.data.map(m => ({ id: m.id, owned_by: m.owned_by, max_model_len: m.max_model_len }));
const model = models.data[0].id;
const ask = [{ role: 'user', content: 'What is the boiling point of water at sea level?' }];
const pick = r => ({
  id: r.id, object: r.object, finish_reason: r.choices[0].finish_reason, content: r.choices[0].message.content,
  reasoning_content: r.choices[0].message.reasoning_content ?? null, reasoning: r.choices[0].message.reasoning ?? null,
  tool_calls: r.choices[0].message.tool_calls ?? null, usage: r.usage,
});

// 1. Thinking on (the model's default), not streamed.
out.chat = pick(await client.chat.completions.create({ model, messages: ask, max_tokens: 6, seed: 3 }));

// 2. Thinking off, vLLM's form (chat_template_kwargs) and LMDeploy's (enable_thinking).
out.thinking_off = pick(await client.chat.completions.create({ model, messages: ask, max_tokens: 6, seed: 3, chat_template_kwargs: { enable_thinking: false } }));
out.thinking_off_lmdeploy = pick(await client.chat.completions.create({ model, messages: ask, max_tokens: 6, seed: 3, enable_thinking: false }));

// 3. Streamed with usage.
const stream = await client.chat.completions.create({
  model, messages: ask, max_tokens: 8, seed: 4, stream: true, stream_options: { include_usage: true }, enable_thinking: false,
});
const s = { id: null, content: '', reasoning: '', finish_reason: null, usage: null, chunks: 0 };
for await (const chunk of stream) {
  s.chunks++;
  s.id = chunk.id;
  if (chunk.usage) s.usage = chunk.usage;
  for (const c of chunk.choices) {
    s.content += c.delta.content ?? '';
    s.reasoning += c.delta.reasoning_content ?? '';
    if (c.finish_reason) s.finish_reason = c.finish_reason;
  }
}
out.stream = s;

// 4. Tools, thinking off: the model card's OpenAI example.
const tools = [{
  type: 'function',
  function: {
    name: 'get_current_temperature',
    description: 'Get current temperature at a location.',
    parameters: {
      type: 'object',
      properties: {
        location: { type: 'string', description: 'The location to get the temperature for, in the format "City, State, Country".' },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'], description: 'The unit to return the temperature in. Defaults to "celsius".' },
      },
      required: ['location'],
    },
  },
}];
out.tools = pick(await client.chat.completions.create({
  model, messages: [{ role: 'user', content: 'What is the temperature in San Francisco now?' }], tools, tool_choice: 'auto',
  max_tokens: 6, seed: 5, chat_template_kwargs: { enable_thinking: false },
}));

// 5. An image as a data URL.
const png = readFileSync(pngFile).toString('base64');
out.image = pick(await client.chat.completions.create({
  model, max_tokens: 4, seed: 6, enable_thinking: false,
  messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } }, { type: 'text', text: 'Describe the image.' }] }],
}));

// 6. Errors: a bad sampling value, a wrong key.
const failure = e => ({ status: e.status, code: e.code ?? null, param: e.param ?? null, message: e.error?.message ?? e.message });
try {
  await client.chat.completions.create({ model, messages: ask, top_p: 1.5 });
  out.bad_top_p = null;
} catch (e) {
  out.bad_top_p = failure(e);
}
try {
  await new OpenAI({ baseURL, apiKey: 'not-the-key', maxRetries: 0 }).chat.completions.create({ model, messages: ask, max_tokens: 2 });
  out.wrong_key = null;
} catch (e) {
  out.wrong_key = failure(e);
}

console.log(JSON.stringify(out));
