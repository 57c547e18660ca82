using System.Diagnostics;
using InternS1.Batch.Contracts.Chat;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Worker.Preparation;
using InternS1.Text.Parsing;

namespace InternS1.Batch.Worker.Hosting;

/// <summary>
/// <c>Engine:WarmUp</c>: before the worker reports ready, one synthetic text job goes through the job preparer (chat
/// template, length checks, tokenizer, sampling) and a short answer through the completion parser, so the first real
/// jobs do not pay the first-run cost of that code (just-in-time compilation, type loading: 0.2-0.5 s measured on
/// 2 cores, paid by every job of the first burst, since the engine's first step waited for them). Nothing reaches the
/// engine: the runner, the KV cache, the prefix cache and the engine metrics are untouched.
/// </summary>
internal static class PreparationWarmUp
{
    /// <summary>The warm-up job (its id never reaches the ledger or the engine).</summary>
    public static SubmitPromptJob Job { get; } = new()
    {
        JobId = "interns1-warm-up",
        Dataset = "interns1-warm-up",
        CustomId = "interns1-warm-up",
        Messages =
        [
            new ChatMessage { Role = "system", Content = "You label scientific abstracts." },
            new ChatMessage { Role = "user", Content = "Label this abstract: the warm-up of a worker, measured on two cores." },
        ],
        EnableThinking = false,
        Sampling = new SamplingSettings { MaxNewTokens = 1, Seed = 0 },
    };

    /// <summary>Prepares <see cref="Job"/> (and disposes it) and parses a short answer; returns the time it took.</summary>
    /// <exception cref="JobPreparationException">The model's template or tokenizer refuses a plain text job.</exception>
    public static async Task<TimeSpan> RunAsync(JobPreparer preparer, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using (var prepared = await preparer.PrepareAsync(Job, cancellationToken).ConfigureAwait(false))
            _ = prepared.Request.PromptTokenIds.Count;
        _ = CompletionParser.Parse("Label: worker warm-up.", thinkingEnabled: false, stoppedByLength: false);
        return watch.Elapsed;
    }
}
