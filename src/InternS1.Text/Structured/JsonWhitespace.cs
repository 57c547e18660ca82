namespace InternS1.Text.Structured;

/// <summary>Where structured output puts whitespace. There is never any other whitespace: none before the value,
/// none inside empty containers, no newlines.</summary>
public enum JsonWhitespace
{
    /// <summary>One space after every <c>:</c> and <c>,</c> — Python's <c>json.dumps</c> default, which models
    /// mostly saw: <c>{"label": "a", "tags": [1, 2]}</c>.</summary>
    Spaced,

    /// <summary>No whitespace at all: <c>{"label":"a","tags":[1,2]}</c>.</summary>
    Compact,
}
