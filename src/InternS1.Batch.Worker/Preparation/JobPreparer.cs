using System.Security.Cryptography;
using InternS1.Batch.Contracts.Failures;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Worker.Options;
using InternS1.Engine.Execution;
using InternS1.Engine.Requests;
using InternS1.Media;
using InternS1.Media.Intake;
using InternS1.Media.Prompts;
using InternS1.Text.Jinja;

namespace InternS1.Batch.Worker.Preparation;

/// <summary>
/// Turns a validated job into an <see cref="EngineRequest"/>: renders the model's chat template,
/// fetches and preprocesses media (with the intake limits), expands the media placeholders, tokenizes,
/// locates every media run's token positions, resolves sampling against the model's
/// recommended values and compiles the output constraint (<see cref="StructuredOutputs"/>). Bad input raises <see cref="JobPreparationException"/> with a reason code.
/// </summary>
public sealed class JobPreparer(ModelPromptAssets assets, MediaLoader media, ModelRunnerInfo model, EngineHostOptions engine, JobExecutionOptions options,
    StructuredOutputs structured)
{
    public async Task<PreparedJob> PrepareAsync(SubmitPromptJob job, CancellationToken cancellationToken)
    {
        // 0. Sampling and the output constraint (a schema compiles here, off the engine thread; cached by hash).
        var sampling = ResolveSampling(job.Sampling);
        var constraint = structured.For(job, sampling);

        // 1. Template variables and media parts, in placeholder order.
        var context = TemplateContext.Build(job);
        var parts = TemplateContext.MediaParts(job);
        if (parts.Count > 0 && (assets.ContextTokenId is null || model.TokensPerTile == 0))
            throw new JobPreparationException(FailureReasons.UnsupportedContent,
                $"{parts[0].Part}: the model in {assets.ModelDirectory} has no vision tower, so image and video parts cannot be read");

        // 2. The model's own chat template.
        string rendered;
        try
        {
            rendered = assets.Template.Render(context);
        }
        catch (JinjaException e)
        {
            throw new JobPreparationException(FailureReasons.TemplateError, $"chat template ({assets.Template.Origin}): {e.Message}", e);
        }

        // 3. Media: fetch, decode, tile, normalise (each failure names its part).
        var loaded = new List<PromptMedia>(parts.Count);
        foreach (var part in parts)
        {
            try
            {
                loaded.Add(await media.LoadAsync(part.Source, part.Part, part.NumFrames, cancellationToken));
            }
            catch (MediaException e)
            {
                throw new JobPreparationException(MediaFailureReasons.For(e), e.Message, e);
            }
        }

        // 4. Placeholders -> <img> + context tokens + </img>; tokens; media run positions.
        ExpandedPrompt expanded;
        int[] offsets;
        IReadOnlyList<int> ids;
        try
        {
            expanded = assets.Expander.Expand(rendered, loaded);
            ids = assets.Tokenizer.Encode(expanded.Text);
            // A literal placeholder typed in a text part would shift every image: LocateRuns refuses it.
            offsets = assets.ContextTokenId is { } contextId ? expanded.LocateRuns(ids.ToArray(), contextId) : [];
        }
        catch (PlaceholderMismatchException e)
        {
            throw new JobPreparationException(FailureReasons.TemplateError,
                $"media placeholders do not match the {parts.Count} media part(s) of messages: {e.Message}", e);
        }

        var inputs = new List<MultimodalInput>(expanded.Runs.Count);
        for (var r = 0; r < expanded.Runs.Count; r++)
        {
            var run = expanded.Runs[r];
            inputs.Add(new MultimodalInput
            {
                Kind = run.Kind == MediaRunKind.Image ? MediaKind.Image : MediaKind.Video,
                ContentHash = run.ContentHash,
                Offset = offsets[r],
                Length = run.ContextTokens,
                NumTiles = run.NumTiles,
                TileSize = run.TileSize,
                PixelValues = run.PixelValues,
            });
        }

        return new PreparedJob
        {
            Request = new EngineRequest
            {
                RequestId = job.JobId,
                PromptTokenIds = ids,
                MultimodalInputs = inputs,
                Sampling = sampling,
                Constraint = constraint,
                Priority = job.Priority,
                Deadline = job.Deadline,
                CacheSalt = options.IsolatePrefixCacheByDataset ? job.Dataset : null,
            },
            ImageTokens = expanded.ImageTokens,
            VideoTokens = expanded.VideoTokens,
            ThinkingEnabled = job.EnableThinking,
        };
    }

    /// <summary>The job's sampling values over the model's recommended ones; the model's eos ids stop generation.</summary>
    public SamplingParams ResolveSampling(SamplingSettings? s)
    {
        var recommended = model.RecommendedSampling;
        return new SamplingParams
        {
            Temperature = (float)(s?.Temperature ?? recommended.Temperature),
            TopP = (float)(s?.TopP ?? recommended.TopP),
            // top_k <= 0 (0 or -1) disables the filter.
            TopK = Math.Max(0, s?.TopK ?? recommended.TopK),
            MinP = (float)(s?.MinP ?? recommended.MinP),
            MaxNewTokens = s?.MaxNewTokens ?? engine.DefaultMaxNewTokens,
            Seed = s?.Seed ?? (BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8)) & long.MaxValue),
            StopTokenIds = model.EosTokenIds,
            StopStrings = s?.Stop ?? [],
        };
    }
}
