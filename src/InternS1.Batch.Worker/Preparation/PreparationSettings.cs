using InternS1.Batch.Worker.Options;
using InternS1.Engine.Configuration;
using InternS1.Engine.Execution;
using InternS1.Engine.KvCache;
using InternS1.Media;
using InternS1.Text.Tokenization;

namespace InternS1.Batch.Worker.Preparation;

/// <summary>The settings <see cref="JobPreparer"/> applies, gathered from their configuration sections.</summary>
public sealed record PreparationSettings
{
    /// <summary><c>Engine:DefaultMaxNewTokens</c>.</summary>
    public int DefaultMaxNewTokens { get; init; } = 4096;

    /// <summary><c>Execution:IsolatePrefixCacheByDataset</c>.</summary>
    public bool IsolatePrefixCacheByDataset { get; init; } = true;

    /// <summary><c>Validation:SpecialTokensInContent</c>.</summary>
    public SpecialTokenPolicy SpecialTokens { get; init; } = SpecialTokenPolicy.Escape;

    /// <summary><c>Validation:MaxCharactersPerToken</c> (0 = no cap).</summary>
    public int MaxCharactersPerToken { get; init; } = 16;

    /// <summary>Most prompt tokens the engine can run: the model context (capped by <c>Engine:MaxModelLength</c>) less
    /// the slot of the first generated token.</summary>
    public required int MaxPromptTokens { get; init; }

    /// <summary><c>Media:PreparationTimeout</c>.</summary>
    public TimeSpan PreparationTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The settings of these sections for the loaded model.</summary>
    public static PreparationSettings From(EngineHostOptions host, JobExecutionOptions execution, JobValidationOptions validation,
        MediaOptions media, EngineOptions engine, ModelRunnerInfo model) => new()
    {
        DefaultMaxNewTokens = host.DefaultMaxNewTokens,
        IsolatePrefixCacheByDataset = execution.IsolatePrefixCacheByDataset,
        SpecialTokens = validation.SpecialTokensInContent,
        MaxCharactersPerToken = validation.MaxCharactersPerToken,
        MaxPromptTokens = Math.Max(0, KvCacheSizing.MaxSequenceLength(engine, model) - 1),
        PreparationTimeout = media.PreparationTimeout,
    };
}
