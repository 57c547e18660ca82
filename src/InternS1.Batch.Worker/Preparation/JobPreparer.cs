using System.Security.Cryptography;
using InternS1.Batch.Contracts.Failures;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Engine.Execution;
using InternS1.Engine.Requests;
using InternS1.Media.Intake;
using InternS1.Media.Prompts;
using InternS1.Text.Jinja;
using InternS1.Text.Tokenization;

namespace InternS1.Batch.Worker.Preparation;

/// <summary>
/// Turns a validated job into an <see cref="EngineRequest"/>, cheapest checks first, under one deadline
/// (<c>Media:PreparationTimeout</c> -> <c>media_timeout</c>):
/// 1. render the model's chat template, marking which characters came from the job's content;
/// 2. refuse an oversized prompt from its length alone (<c>Validation:MaxCharactersPerToken</c> and the tokenizer's
///    sound lower bound), before any media is fetched;
/// 3. fetch and probe every media part (<see cref="MediaPreparation"/>): tokens from image headers and video probes
///    (<c>prompt_too_long</c> before decoding), memory reserved in the decoded-media budget, then decode and tile;
/// 4. expand the placeholders the template wrote (a literal <c>&lt;video&gt;</c> typed in content stays text), tokenize
///    with <c>Validation:SpecialTokensInContent</c>, locate every media run and resolve sampling against the model's
///    recommended values; compile the output constraint (<see cref="StructuredOutputs"/>, cached by schema hash).
/// Bad input raises <see cref="JobPreparationException"/> with a reason code. The prepared job holds its media's share
/// of the budget until disposed.
/// </summary>
public sealed class JobPreparer(ModelPromptAssets assets, MediaLoader media, ModelRunnerInfo model, PreparationSettings settings, DecodedMemoryBudget budget,
    StructuredOutputs structured)
{
    public async Task<PreparedJob> PrepareAsync(SubmitPromptJob job, CancellationToken cancellationToken)
    {
        using var deadline = new PreparationDeadline(settings.PreparationTimeout, cancellationToken);
        try
        {
            return await PrepareCoreAsync(job, deadline).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (deadline.Expired)
        {
            throw new JobPreparationException(FailureReasons.MediaTimeout,
                $"job: preparing the prompt and its media took longer than Media:PreparationTimeout ({deadline.Limit})", e);
        }
    }

    private async Task<PreparedJob> PrepareCoreAsync(SubmitPromptJob job, PreparationDeadline deadline)
    {
        // 0. Sampling and the output constraint (a schema compiles here, off the engine thread; cached by hash).
        var sampling = ResolveSampling(job.Sampling);
        var constraint = structured.For(job, sampling);

        // 1. Template variables and media parts, in placeholder order; the model's own chat template.
        var context = TemplateContext.Build(job);
        var parts = TemplateContext.MediaParts(job);
        if (parts.Count > 0 && (assets.ContextTokenId is null || model.TokensPerTile == 0))
            throw new JobPreparationException(FailureReasons.UnsupportedContent,
                $"{parts[0].Part}: the model in {assets.ModelDirectory} has no vision tower, so image and video parts cannot be read");
        SegmentedText rendered;
        try
        {
            rendered = assets.Template.RenderSegmented(context);
        }
        catch (JinjaException e)
        {
            throw new JobPreparationException(FailureReasons.TemplateError, $"chat template ({assets.Template.Origin}): {e.Message}", e);
        }

        // 2. Too long from the length alone (one pass over the characters, before any media is fetched).
        var textTokens = RefuseOversizedText(rendered.Text);

        // 3. Media: probe (tokens, memory), reserve, decode.
        var decoded = await MediaPreparation.PrepareAsync(media, budget, parts, textTokens, settings.MaxPromptTokens, deadline).ConfigureAwait(false);
        try
        {
            deadline.Token.ThrowIfCancellationRequested();
            var prepared = Finish(job, rendered, parts.Count, decoded.Media, sampling, constraint);
            return prepared with { MediaReservation = decoded.Reservation };
        }
        catch
        {
            decoded.Reservation?.Dispose();
            throw;
        }
    }

    /// <summary>Refuses a prompt that is certainly too long from its characters; returns the lower bound of its tokens.</summary>
    private long RefuseOversizedText(string text)
    {
        var limit = settings.MaxPromptTokens;
        if (settings.MaxCharactersPerToken > 0)
        {
            long visible = 0;
            foreach (var c in text)
                if (!char.IsWhiteSpace(c)) visible++;
            if (visible > (long)settings.MaxCharactersPerToken * limit)
                throw new JobPreparationException(FailureReasons.PromptTooLong,
                    $"messages: the prompt has {visible} characters other than whitespace, more than Validation:MaxCharactersPerToken " +
                    $"({settings.MaxCharactersPerToken}) per token of the {limit} tokens the model can take");
        }
        // NOTE: the bound holds for the escape and reject policies only (under allow, content may spell markers that get no id).
        var lower = settings.SpecialTokens == SpecialTokenPolicy.Allow ? 0 : assets.Tokenizer.MinimumTokenCount(text);
        if (lower > limit)
            throw new JobPreparationException(FailureReasons.PromptTooLong,
                $"messages: the prompt has at least {lower} tokens ({text.Length} characters), over the {limit} tokens the model can take");
        return lower;
    }

    private PreparedJob Finish(SubmitPromptJob job, SegmentedText rendered, int mediaParts, IReadOnlyList<PromptMedia> loaded,
        SamplingParams sampling, OutputConstraint? constraint)
    {
        // 4. Placeholders the template wrote -> <img> + context tokens + </img>; tokens; media run positions.
        ExpandedPrompt expanded;
        int[] offsets;
        IReadOnlyList<int> ids;
        try
        {
            expanded = assets.Expander.Expand(rendered.Text, loaded, (token, from) => rendered.IndexOfTemplate(token, from));
            ids = assets.Tokenizer.Encode(rendered.ReplaceTemplateRanges(expanded.Replacements), settings.SpecialTokens);
            // Under the allow policy a placeholder typed in a text part would shift every image: LocateRuns refuses it.
            offsets = assets.ContextTokenId is { } contextId ? expanded.LocateRuns(ids.ToArray(), contextId) : [];
        }
        catch (PlaceholderMismatchException e)
        {
            throw new JobPreparationException(FailureReasons.TemplateError,
                $"media placeholders do not match the {mediaParts} media part(s) of messages: {e.Message}", e);
        }
        catch (SpecialTokenInContentException e)
        {
            throw new JobPreparationException(FailureReasons.InvalidField, e.Message + " (Validation:SpecialTokensInContent is reject)", e);
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
                CacheSalt = settings.IsolatePrefixCacheByDataset ? job.Dataset : null,
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
            MaxNewTokens = s?.MaxNewTokens ?? settings.DefaultMaxNewTokens,
            Seed = s?.Seed ?? (BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8)) & long.MaxValue),
            StopTokenIds = model.EosTokenIds,
            StopStrings = s?.Stop ?? [],
        };
    }
}
