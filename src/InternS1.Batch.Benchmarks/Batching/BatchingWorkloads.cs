using InternS1.Text.Tokenization;

namespace InternS1.Batch.Benchmarks.Batching;

/// <summary>
/// The benchmark's prompts, as token ids of the real tokenizer: seeded English text of an exact
/// token length, a long shared annotation instruction, and output lengths. Deterministic for a seed.
/// </summary>
internal sealed class BatchingWorkloads(InternS1Tokenizer tokenizer)
{
    internal static readonly string[] Words =
    [
        "the", "sample", "was", "measured", "at", "room", "temperature", "and", "its", "spectrum", "shows", "a", "sharp",
        "peak", "near", "the", "expected", "wavelength", "while", "the", "control", "group", "remained", "stable", "over",
        "three", "weeks", "protein", "binding", "affinity", "increased", "after", "treatment", "with", "the", "compound",
        "crystal", "structure", "reveals", "two", "domains", "connected", "by", "a", "flexible", "linker", "authors",
        "report", "that", "yield", "improved", "when", "solvent", "was", "changed", "to", "ethanol", "cells", "were",
        "imaged", "every", "hour", "under", "low", "light", "results", "suggest", "the", "effect", "depends", "on", "dose",
    ];

    /// <summary>Exactly <paramref name="length"/> token ids: <paramref name="lead"/> followed by seeded words.</summary>
    public int[] Text(string lead, int length, int seed)
    {
        var random = new Random(seed);
        var text = new System.Text.StringBuilder(lead);
        while (true)
        {
            for (var i = 0; i < length; i++)
            {
                text.Append(' ').Append(Words[random.Next(Words.Length)]);
                if (random.Next(12) == 0) text.Append('.');
            }
            var ids = tokenizer.Encode(text.ToString());
            if (ids.Count >= length) return ids.Take(length).ToArray();
        }
    }

    /// <summary>The shared instruction of the prefix-cache comparison: numbered annotation rules.</summary>
    public int[] Instruction(int length) => Text(
        "You are a careful annotator of scientific abstracts. Read the abstract after the rules and answer with one label " +
        "(method, result, background or other) followed by a one-sentence justification. Rules and examples:", length, seed: 1);

    /// <summary><paramref name="count"/> distinct prompts with lengths uniform in [min, max].</summary>
    public int[][] Prompts(int count, int minLength, int maxLength, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(i => Text($"Job {i}: label this abstract.", random.Next(minLength, maxLength + 1), seed * 7919 + i))
            .ToArray();
    }

    /// <summary>Output lengths log-uniform in [min, max] (many short answers, some long ones), seeded.</summary>
    public static int[] MixedLengths(int count, int min, int max, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(_ => (int)Math.Round(Math.Exp(Math.Log(min) + random.NextDouble() * (Math.Log(max) - Math.Log(min)))))
            .ToArray();
    }
}
