using System.ComponentModel.DataAnnotations;

namespace InternS1.Text.Structured;

/// <summary>How schemas are compiled into grammars (configuration section <c>StructuredOutput</c>).</summary>
public sealed class StructuredOutputOptions
{
    public const string SectionName = "StructuredOutput";

    /// <summary>Whitespace between JSON tokens (default <see cref="JsonWhitespace.Spaced"/>: one space after <c>:</c> and <c>,</c>).</summary>
    public JsonWhitespace Whitespace { get; set; } = JsonWhitespace.Spaced;

    /// <summary>Most objects/arrays nested in one value (default 20). Bounds recursive schemas and <c>json_object</c>
    /// mode; a schema that needs more is rejected.</summary>
    [Range(1, 1000)]
    public int MaxNestingDepth { get; set; } = 20;

    /// <summary>Most structural grammar nodes one schema may compile to (default 200,000); larger schemas are rejected.</summary>
    [Range(100, 10_000_000)]
    public int MaxGrammarNodes { get; set; } = 200_000;

    /// <summary>Compiled grammars kept by a compiler, most recently compiled first (default 256).</summary>
    [Range(1, 100_000)]
    public int GrammarCacheCapacity { get; set; } = 256;

    /// <summary>Compute every token mask of a grammar when it is compiled (default true), so that no mask is computed
    /// on the engine thread later; false computes each on first use.</summary>
    public bool PrecomputeMasks { get; set; } = true;

    /// <summary>A stable text of the settings that change the grammar (part of the cache key).</summary>
    internal string Key => $"{Whitespace}|{MaxNestingDepth}|{MaxGrammarNodes}";
}
