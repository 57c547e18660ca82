namespace InternS1.Media.Prompts;

/// <summary>
/// The rendered prompt's media placeholders do not match the media parts (count or kind), or the tokenized prompt's
/// <c>&lt;IMG_CONTEXT&gt;</c> ids do not match the expansion. A bug in the template/tokenizer seam or a user text
/// that contains a placeholder literally; the worker dead-letters such a job (e.g. as <c>template_error</c>).
/// </summary>
public sealed class PlaceholderMismatchException(string message) : Exception(message);
