using System.Text.Json.Nodes;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Worker.Consumers;
using InternS1.Batch.Worker.Preparation;
using InternS1.Engine.Execution;
using InternS1.Engine.Requests;
using InternS1.Media;
using InternS1.Media.Intake;
using InternS1.Text.Tokenization;

namespace InternS1.Batch.Tests.Infrastructure;

/// <summary>The real <see cref="JobPreparer"/> on the tiny prompt folder (Intern-S1's tokenizer layout and chat template)
/// with a vision-capable model description, for preparation tests.</summary>
public static class Preparers
{
    public const int ImStart = 151644, ImEnd = 151645, ImgContext = 152957, VideoToken = 152958;

    private static readonly Lazy<ModelPromptAssets> AssetsLazy = new(() => ModelPromptAssets.Load(TinyPromptFolder.Directory));

    public static ModelPromptAssets Assets => AssetsLazy.Value;

    public static ModelRunnerInfo Model(int maxModelLength = 40960) => new()
    {
        ModelName = "prep-test",
        MaxModelLength = maxModelLength,
        VocabSize = 153_216,
        EosTokenIds = [ImEnd],
        RecommendedSampling = new SamplingParams(),
        NumLayers = 1,
        NumKvHeads = 1,
        HeadDim = 8,
        KvElementBytes = 4,
        TokensPerTile = 256,
        ImageTokenId = ImgContext,
    };

    /// <summary>A preparer; <paramref name="settings"/> and <paramref name="media"/> adjust the defaults.</summary>
    public static JobPreparer Create(Func<PreparationSettings, PreparationSettings>? settings = null, Action<MediaOptions>? media = null,
        DecodedMemoryBudget? budget = null, int maxModelLength = 40960)
    {
        var options = new MediaOptions { AllowPrivateAddresses = true };
        media?.Invoke(options);
        var s = new PreparationSettings { MaxPromptTokens = maxModelLength - 1, SpecialTokens = SpecialTokenPolicy.Escape };
        var loader = new MediaLoader(new MediaFetcher(options), options, Assets.Media);
        var model = Model(maxModelLength);
        return new JobPreparer(Assets, loader, model, settings?.Invoke(s) ?? s,
            budget ?? new DecodedMemoryBudget(options.MaxDecodedBytes, reclaim: () => { }),
            new StructuredOutputs(Assets, model, new InternS1.Text.Structured.StructuredOutputOptions()));
    }

    /// <summary>A job of one user message with <paramref name="content"/> (a string or a list of parts), thinking off.</summary>
    public static SubmitPromptJob Job(JsonNode content, string dataset = "prep") => JobPayload.Deserialize(new JsonObject
    {
        ["job_id"] = "p1",
        ["dataset"] = dataset,
        ["custom_id"] = "c1",
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = content.DeepClone() }),
        ["enable_thinking"] = false,
    }.ToJsonString());

    /// <summary>An inline image part.</summary>
    public static JsonObject Image(byte[] encoded) => new() { ["type"] = "image", ["base64"] = Convert.ToBase64String(encoded) };

    public static JsonObject TextPart(string text) => new() { ["type"] = "text", ["text"] = text };

    public static JsonArray Parts(params JsonObject[] parts) => new(parts.Cast<JsonNode>().ToArray());
}
