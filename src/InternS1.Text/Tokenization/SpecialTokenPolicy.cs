namespace InternS1.Text.Tokenization;

/// <summary>What <see cref="InternS1Tokenizer.Encode(SegmentedText, SpecialTokenPolicy)"/> does with the text of an
/// added or special token (<c>&lt;|im_start|&gt;</c>, <c>&lt;think&gt;</c>, <c>&lt;|action_start|&gt;</c>,
/// <c>&lt;IMG_CONTEXT&gt;</c>, <c>&lt;video&gt;</c>, ...) found inside a <see cref="ContentSpan"/>. The template's own
/// text always yields control ids. The scientific tags (<c>&lt;SMILES&gt;</c>, <c>&lt;SELFIES&gt;</c>, <c>&lt;IUPAC&gt;</c>
/// and their closing tags, <c>&lt;MOLFORMULA&gt;</c>) are data markup that users write in content, and keep working
/// under every policy.</summary>
public enum SpecialTokenPolicy
{
    /// <summary>Encoded as ordinary text (byte-level BPE), so only the template produces control tokens. The default.</summary>
    Escape,

    /// <summary>Refused: <see cref="SpecialTokenInContentException"/> names the field and the token.</summary>
    Reject,

    /// <summary>Matched as control tokens, as Hugging Face and vLLM do by default (a forged turn is possible).</summary>
    Allow,
}
