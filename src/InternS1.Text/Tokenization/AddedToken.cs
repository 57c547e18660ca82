namespace InternS1.Text.Tokenization;

/// <summary>A token outside the BPE merges (special or not), matched whole in the input text and never split.
/// Mirrors Hugging Face's <c>AddedToken</c>; ids come from the model folder.</summary>
/// <param name="Content">The literal text, e.g. <c>&lt;|im_end|&gt;</c>.</param>
/// <param name="Id">Its id in the model's vocabulary.</param>
/// <param name="Special">Removed by decode when special tokens are skipped.</param>
/// <param name="LStrip">Swallows whitespace on its left when matched.</param>
/// <param name="RStrip">Swallows whitespace on its right when matched.</param>
public sealed record AddedToken(string Content, int Id, bool Special, bool LStrip = false, bool RStrip = false);
