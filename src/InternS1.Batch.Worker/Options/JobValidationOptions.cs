using System.ComponentModel.DataAnnotations;
using InternS1.Text.Tokenization;

namespace InternS1.Batch.Worker.Options;

/// <summary>Limits applied to every job before it reaches the engine (section <c>Validation</c>).</summary>
public sealed class JobValidationOptions
{
    public const string SectionName = "Validation";

    /// <summary>Most messages in one conversation. Default 1024.</summary>
    [Range(1, 100_000)]
    public int MaxMessages { get; set; } = 1024;

    /// <summary>Most stop strings per job. Default 16.</summary>
    [Range(0, 1024)]
    public int MaxStopStrings { get; set; } = 16;

    /// <summary>Longest stop string (characters). Default 256.</summary>
    [Range(1, 65536)]
    public int MaxStopStringLength { get; set; } = 256;

    /// <summary>Largest <c>sampling.max_new_tokens</c> accepted. Default 32768.</summary>
    [Range(1, 1_048_576)]
    public int MaxNewTokensLimit { get; set; } = 32768;

    /// <summary>Most image and video parts in one job (all messages together). Every part is fetched, probed and decoded
    /// while the job is prepared, so this bounds the work and memory one small message can ask for. Default 32.</summary>
    [Range(0, 10_000)]
    public int MaxMediaParts { get; set; } = 32;

    /// <summary>Most image and video parts in one message of a job. Together with <see cref="MaxMediaParts"/> it keeps
    /// a single turn (for example a scraped document pasted with every figure) from taking the whole job's budget.
    /// Default 16.</summary>
    [Range(0, 10_000)]
    public int MaxMediaPartsPerMessage { get; set; } = 16;

    /// <summary>What text spelling a special token does inside message content, tool calls, tool results and tool
    /// definitions (<c>&lt;|im_start|&gt;</c>, <c>&lt;think&gt;</c>, <c>&lt;|action_start|&gt;</c>, <c>&lt;IMG_CONTEXT&gt;</c>,
    /// ...): <c>escape</c> (default) encodes it as plain text, so only the chat template produces control tokens;
    /// <c>reject</c> dead-letters the job as <c>invalid_field</c> naming the field and the token; <c>allow</c> turns it
    /// into the control token (Hugging Face's and vLLM's behaviour: content can forge a system turn).</summary>
    public SpecialTokenPolicy SpecialTokensInContent { get; set; } = SpecialTokenPolicy.Escape;

    /// <summary>Cap on a prompt's size before it is tokenized: a rendered prompt with more characters other than
    /// whitespace than this many per token of the model context is refused as <c>prompt_too_long</c> at once (no
    /// natural text comes near 16 per token; a megabyte of one word does). 0 turns the cap off; the sound lower bound
    /// of the token count (at most one token per 256 such characters) is always applied. Default 16.</summary>
    [Range(0, 1_000_000)]
    public int MaxCharactersPerToken { get; set; } = 16;

    /// <summary>How far in the future a <c>deadline</c> may lie. Default 30 days.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan MaxDeadlineHorizon { get; set; } = TimeSpan.FromDays(30);
}
