using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using InternS1.Text.Structured.Grammar;
using InternS1.Text.Structured.Schema;

namespace InternS1.Text.Structured;

/// <summary>
/// Compiles JSON Schemas (and <c>json_object</c> mode) into <see cref="StructuredGrammar"/>s over one vocabulary,
/// cached by the SHA-256 of the schema text and the options (failures too). Thread-safe; meant to run off the engine
/// thread: with <see cref="StructuredOutputOptions.PrecomputeMasks"/> every token mask is computed here.
/// </summary>
public sealed class StructuredOutputCompiler
{
    private readonly ConcurrentDictionary<string, Lazy<StructuredGrammar>> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private readonly LexemeCache _lexemes = new();
    private readonly StructuredOutputOptions _options;

    public StructuredOutputCompiler(TokenVocabulary vocabulary, StructuredOutputOptions? options = null)
    {
        Vocabulary = vocabulary ?? throw new ArgumentNullException(nameof(vocabulary));
        _options = options ?? new StructuredOutputOptions();
    }

    public TokenVocabulary Vocabulary { get; }

    /// <summary>Grammars in the cache.</summary>
    public int CachedGrammars => _cache.Count;

    /// <summary>Compiles <paramref name="schema"/>; errors name <paramref name="pointerPrefix"/> + the keyword's JSON pointer.</summary>
    /// <exception cref="StructuredSchemaException">The schema is invalid or unsupported.</exception>
    public StructuredGrammar CompileJsonSchema(JsonElement schema, string pointerPrefix = "schema")
    {
        var key = $"schema:{SchemaHash(schema)}|{_options.Key}|{pointerPrefix}";
        return Cached(key, () =>
        {
            var root = SchemaReader.Read(schema, pointerPrefix);
            return GrammarBuilder.FromSchema(root, _lexemes, _options, pointerPrefix);
        });
    }

    /// <summary>The grammar of <c>{"type": "json_object"}</c>: any JSON object.</summary>
    public StructuredGrammar CompileJsonObject() =>
        Cached($"json_object|{_options.Key}", () => GrammarBuilder.JsonObject(_lexemes, _options, "response_format"));

    /// <summary>Checks what can be checked without compiling: every keyword is supported and well formed, every local
    /// <c>$ref</c> that is used resolves, patterns and formats parse. Cheap (no automata, no masks), for intake;
    /// <see cref="CompileJsonSchema"/> finds the rest (schemas that admit no value, nesting or size limits).</summary>
    /// <exception cref="StructuredSchemaException">The schema is invalid or unsupported; the message names
    /// <paramref name="pointerPrefix"/> + the keyword's JSON pointer.</exception>
    public static void ValidateSchema(JsonElement schema, string pointerPrefix = "schema") => SchemaReader.Read(schema, pointerPrefix);

    /// <summary>SHA-256 (hex) of the schema's compact JSON text (property order kept: it is the output order).</summary>
    public static string SchemaHash(JsonElement schema)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) schema.WriteTo(writer);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    private StructuredGrammar Cached(string key, Func<GrammarGraph> build)
    {
        if (!_cache.TryGetValue(key, out var lazy))
        {
            var created = new Lazy<StructuredGrammar>(() =>
            {
                var grammar = new StructuredGrammar(build(), Vocabulary, key);
                if (_options.PrecomputeMasks) grammar.PrecomputeMasks();
                return grammar;
            }, LazyThreadSafetyMode.ExecutionAndPublication);
            lazy = _cache.GetOrAdd(key, created);
            if (ReferenceEquals(lazy, created))
            {
                _order.Enqueue(key);
                while (_cache.Count > _options.GrammarCacheCapacity && _order.TryDequeue(out var old))
                    if (old != key) _cache.TryRemove(old, out _);
            }
        }
        return lazy.Value;
    }
}
