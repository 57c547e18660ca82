using System.ComponentModel.DataAnnotations;

namespace InternS1.Engine.Configuration;

/// <summary>
/// Scheduler and KV-cache settings (configuration section <c>Engine</c>). Bind with
/// <c>BindConfiguration(EngineOptions.SectionName).ValidateDataAnnotations().ValidateOnStart()</c>.
/// The service's keys of the same section (how many jobs to hold, drain time, default max_new_tokens)
/// belong to the worker that hosts the engine, not to the engine.
/// </summary>
public sealed class EngineOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Engine";

    /// <summary>Most sequences in one step (running batch size).</summary>
    [Range(1, 4096)]
    public int MaxNumSeqs { get; set; } = 64;

    /// <summary>Most tokens computed in one step over all sequences (decodes + prefill chunks).</summary>
    [Range(1, 1 << 20)]
    public int MaxNumBatchedTokens { get; set; } = 2048;

    /// <summary>Token slots per KV block.</summary>
    [Range(1, 1024)]
    public int BlockSize { get; set; } = 16;

    /// <summary>KV pool size in bytes. Null = <see cref="KvCacheMemoryFraction"/> of available memory.</summary>
    [Range(1L, long.MaxValue)]
    public long? KvCacheBytes { get; set; }

    /// <summary>Share of available memory for the KV pool when <see cref="KvCacheBytes"/> is null.</summary>
    [Range(0.01, 0.95)]
    public double KvCacheMemoryFraction { get; set; } = 0.3;

    /// <summary>Exact number of KV blocks (tests, benchmarks); overrides the byte budget when set.</summary>
    [Range(1, int.MaxValue)]
    public int? KvCacheBlocks { get; set; }

    /// <summary>Reuse computed KV blocks across requests with equal prefixes.</summary>
    public bool EnablePrefixCaching { get; set; } = true;

    /// <summary>Most media tiles encoded by the vision tower in one step; a prefill chunk that would
    /// need more stops before the media run that does not fit and continues next step.</summary>
    [Range(1, 100_000)]
    public int MaxEncoderTilesPerStep { get; set; } = 32;

    /// <summary>Caps the model's context length (max_position_embeddings) when set.</summary>
    [Range(2, int.MaxValue)]
    public int? MaxModelLength { get; set; }

    /// <summary>Of <see cref="MaxNumSeqs"/>, sequence slots batch requests may not take, kept free for interactive
    /// ones (<see cref="Requests.SchedulingClass.Interactive"/>). 0 = none. NOTE: the service sets it from
    /// <c>Serve:ReservedSeqs</c> (the serve endpoint's option), not from this section.</summary>
    [Range(0, 4095)]
    public int ReservedInteractiveSeqs { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ReservedInteractiveSeqs >= MaxNumSeqs)
            yield return new ValidationResult(
                $"ReservedInteractiveSeqs ({ReservedInteractiveSeqs}) must be below MaxNumSeqs ({MaxNumSeqs}): batch work needs at least one slot (the serve endpoint sets it from Serve:ReservedSeqs)",
                [nameof(ReservedInteractiveSeqs)]);
    }

    /// <summary>Validates with the DataAnnotations rules; throws naming every bad setting (for callers without DI).</summary>
    /// <exception cref="ValidationException">A setting is out of range.</exception>
    public void ValidateOrThrow()
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true)) return;
        throw new ValidationException("Invalid engine options: " + string.Join("; ", results.Select(r =>
            $"{SectionName}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}")));
    }
}
