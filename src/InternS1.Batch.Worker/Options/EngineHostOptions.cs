using System.ComponentModel.DataAnnotations;

namespace InternS1.Batch.Worker.Options;

/// <summary>
/// The worker's settings of the engine it hosts (configuration section <c>Engine</c>, shared with the
/// engine's own scheduler and KV-cache settings, <see cref="InternS1.Engine.Configuration.EngineOptions"/>):
/// how many jobs to hold beyond what the engine runs, how long running requests may finish on shutdown,
/// whether to warm up job preparation at start, and the max_new_tokens of a job that sets none.
/// </summary>
public sealed class EngineHostOptions
{
    /// <summary>The configuration section (the engine's).</summary>
    public const string SectionName = "Engine";

    /// <summary>Jobs the worker holds beyond <c>Engine:MaxNumSeqs</c>, so the scheduler always has waiting
    /// work when a sequence finishes (see <see cref="ConsumerConcurrency"/>). Default 16.</summary>
    [Range(0, 100_000)]
    public int WaitingMargin { get; set; } = 16;

    /// <summary>On shutdown, how long running requests may continue before they are aborted (their jobs
    /// are handed back to the broker). Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Before the worker reports ready, prepare one synthetic text job (chat template, tokenizer) and parse a
    /// short answer, so the first real jobs do not pay that code's first-run cost; nothing reaches the engine.
    /// Default true.</summary>
    public bool WarmUp { get; set; } = true;

    /// <summary><c>max_new_tokens</c> of a job that sets none (applied by the job preparer). Default 4096.</summary>
    [Range(1, 1 << 20)]
    public int DefaultMaxNewTokens { get; set; } = 4096;
}
