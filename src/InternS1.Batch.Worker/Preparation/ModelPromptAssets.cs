using InternS1.Media.Config;
using InternS1.Media.Prompts;
using InternS1.Text.Chat;
using InternS1.Text.Tokenization;

namespace InternS1.Batch.Worker.Preparation;

/// <summary>
/// The prompt-side files of one model folder, loaded once: tokenizer, chat template, media
/// preprocessing settings and the ids of the tokens the worker needs (<c>&lt;IMG_CONTEXT&gt;</c>,
/// <c>&lt;/think&gt;</c>). Everything is read from the folder; nothing is hard-coded.
/// </summary>
public sealed class ModelPromptAssets
{
    private ModelPromptAssets(string modelDirectory, InternS1Tokenizer tokenizer, ChatTemplate template, MediaPreprocessingConfig media)
    {
        ModelDirectory = modelDirectory;
        Tokenizer = tokenizer;
        Template = template;
        Media = media;
        var context = tokenizer.ExtraSpecialTokens.GetValueOrDefault("context_image_token") ?? PromptExpander.DefaultContextToken;
        Expander = new PromptExpander(
            context,
            tokenizer.ExtraSpecialTokens.GetValueOrDefault("video_token") ?? PromptExpander.DefaultVideoToken,
            tokenizer.ExtraSpecialTokens.GetValueOrDefault("start_image_token") ?? PromptExpander.DefaultStartImageToken,
            tokenizer.ExtraSpecialTokens.GetValueOrDefault("end_image_token") ?? PromptExpander.DefaultEndImageToken);
        ContextTokenId = tokenizer.TokenToId(context);
        ThinkEndTokenId = tokenizer.TokenToId("</think>")
            ?? throw new InvalidOperationException($"the tokenizer in {modelDirectory} has no </think> token");
    }

    public string ModelDirectory { get; }
    public InternS1Tokenizer Tokenizer { get; }
    public ChatTemplate Template { get; }
    public MediaPreprocessingConfig Media { get; }
    public PromptExpander Expander { get; }

    /// <summary>Id of the image-context placeholder token; null when the tokenizer has none (text-only model).</summary>
    public int? ContextTokenId { get; }

    public int ThinkEndTokenId { get; }

    /// <summary>Loads tokenizer, template and media settings from a Hugging Face model folder.</summary>
    public static ModelPromptAssets Load(string modelDirectory) =>
        new(modelDirectory, InternS1Tokenizer.Load(modelDirectory), ChatTemplate.Load(modelDirectory), MediaPreprocessingConfig.Load(modelDirectory));
}
