namespace InternS1.Engine.Torch.Modeling;

/// <summary>Which halves of an Intern-S1 model are built (and loaded): the text-only runner leaves out
/// the vision half, <c>interns1 model vision-features</c> leaves out the language model.</summary>
[Flags]
public enum InternS1Parts
{
    /// <summary><c>model.language_model.*</c> and <c>lm_head</c>.</summary>
    LanguageModel = 1,

    /// <summary><c>model.vision_tower.*</c> and <c>model.multi_modal_projector.*</c> (only when config.json has a vision_config).</summary>
    Vision = 2,

    /// <summary>Both halves.</summary>
    All = LanguageModel | Vision,
}
