using System.Text.Json.Nodes;
using InternS1.Batch.Benchmarks.Batching;
using InternS1.Text.Tokenization;

namespace InternS1.Batch.Benchmarks.Worker;

/// <summary>
/// The jobs of <see cref="WorkerBenchmark"/> as producers send them: one user message of seeded English whose
/// text is <see cref="WorkerBenchmarkOptions.PromptMinTokens"/>-<see cref="WorkerBenchmarkOptions.PromptMaxTokens"/>
/// tokens long (before the chat template), thinking off, <see cref="WorkerBenchmarkOptions.OutputTokens"/> new
/// tokens, the model's recommended sampling with the job's index as seed. Deterministic.
/// </summary>
internal static class WorkerWorkload
{
    /// <summary>The timed jobs of repetition <paramref name="repetition"/> (1, 2, ...), ids <c>bench-worker-r1-0</c>, ... in
    /// <paramref name="dataset"/>: every repetition has the same prompt lengths and seeds, its own texts (so no
    /// repetition finds another's prompts in the prefix cache).</summary>
    public static IReadOnlyList<JsonObject> Jobs(WorkerBenchmarkOptions o, InternS1Tokenizer tokenizer, string dataset, int repetition) =>
        Jobs(o, tokenizer, dataset, $"bench-worker-r{repetition}", seed: 64, textSeed: 1000 + 10_000 * repetition);

    /// <summary>Untimed warm-up pass <paramref name="pass"/> (1, 2, ...) of both halves: as many jobs of the same shape
    /// (prompt lengths drawn from the same range, the same output length), other texts and seeds, ids
    /// <c>bench-worker-warm-up-1-0</c>, ...</summary>
    public static IReadOnlyList<JsonObject> WarmUpJobs(WorkerBenchmarkOptions o, InternS1Tokenizer tokenizer, string dataset, int pass) =>
        Jobs(o, tokenizer, dataset, $"bench-worker-warm-up-{pass}", seed: 65, textSeed: 1_000_000 * pass);

    private static IReadOnlyList<JsonObject> Jobs(WorkerBenchmarkOptions o, InternS1Tokenizer tokenizer, string dataset, string idPrefix,
        int seed, int textSeed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, o.Jobs).Select(i => new JsonObject
        {
            ["job_id"] = $"{idPrefix}-{i}",
            ["dataset"] = dataset,
            ["custom_id"] = $"c{i}",
            ["messages"] = new JsonArray(new JsonObject
            {
                ["role"] = "user",
                ["content"] = Text(tokenizer, random.Next(o.PromptMinTokens, o.PromptMaxTokens + 1), seed: textSeed + i),
            }),
            ["sampling"] = new JsonObject { ["max_new_tokens"] = o.OutputTokens, ["seed"] = seed * 1000 + i },
            ["enable_thinking"] = false,
        }).ToList();
    }

    /// <summary>Seeded words until the text is exactly <paramref name="tokens"/> tokens long (or one token more
    /// when the last word takes two).</summary>
    public static string Text(InternS1Tokenizer tokenizer, int tokens, int seed)
    {
        var random = new Random(seed);
        var text = "Label this abstract:";
        while (tokenizer.Encode(text).Count < tokens)
            text += " " + BatchingWorkloads.Words[random.Next(BatchingWorkloads.Words.Length)];
        return text;
    }
}
