using InternS1.Text.Structured;

namespace InternS1.Text.Tests.Structured;

/// <summary>Invalid schemas and unsupported keywords fail at compile time with the JSON pointer of the keyword,
/// behind the caller's prefix (the worker dead-letters them as invalid_field with this message).</summary>
public class SchemaErrorTests
{
    private const string Prefix = "response_format.json_schema.schema";

    public static TheoryData<string, string> Cases() => new()
    {
        { """{"type":"object","properties":{"label":{"type":"string","patternProperties":{}}}}""", "/properties/label/patternProperties: keyword 'patternProperties' is not supported" },
        { """{"type":"strin"}""", "/type: unknown type 'strin' (expected null, boolean, object, array, number, integer or string)" },
        { """{"type":["string","string"]}""", "/type/1: type 'string' is listed twice" },
        { """{"not":{}}""", "/not: keyword 'not' is not supported" },
        { """{"$ref":"#/$defs/missing"}""", "/$ref: $ref target '#/$defs/missing' does not exist" },
        { """{"$ref":"http://example.com/s.json"}""", "/$ref: $ref 'http://example.com/s.json' is not supported: only references inside the schema ('#/...') are" },
        { """{"type":"string","minLength":5,"maxLength":2}""", "/minLength: minLength (5) is greater than maxLength (2)" },
        { """{"type":"string","maxLength":-1}""", "/maxLength: must be a non-negative integer" },
        { """{"type":"string","pattern":"(?=a)b"}""", "/pattern: pattern is not supported: lookaround and inline flags '(?' are not supported at offset 1" },
        { """{"type":"string","pattern":"(a)\\1"}""", "/pattern: pattern is not supported: backreferences are not supported at offset 5" },
        { """{"type":"string","format":"uri"}""", "/format: format 'uri' is not supported (supported: date, date-time, email, uuid)" },
        { """{"allOf":[{"type":"string"},{"maxLength":2}]}""", "/allOf: 'allOf' with more than one schema is not supported" },
        { """{"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"$ref":"#/$defs/a"}},"$ref":"#/$defs/a"}""", "/$defs/a/$ref: circular $ref: the schema refers to itself without any JSON structure in between" },
        { """{"anyOf":[{"$ref":"#"},{"type":"null"}]}""", ": circular anyOf/$ref: the schema refers to itself without any JSON structure in between" },
        { """{"type":"object","required":["x"],"additionalProperties":false}""", "/required: required property 'x' is not in 'properties' and 'additionalProperties' is false" },
        { """{"type":"integer","minimum":1.5,"maximum":1.7}""", ": no integer lies within the bounds" },
        { """{"type":"number","minimum":3,"exclusiveMaximum":3}""", ": no number lies between the lower bound 3 and the upper bound 3" },
        { """{"type":"array","minItems":3,"maxItems":2}""", "/minItems: minItems (3) is greater than maxItems (2)" },
        { """{"type":"array","prefixItems":[{}],"items":false,"minItems":2}""", "/minItems: minItems (2) is more than the 1 items the schema allows" },
        { """{"type":"number","multipleOf":3}""", "/multipleOf: 'multipleOf' is only supported as 1 or a power of ten below it (0.1, 0.01, ...)" },
        { """{"enum":[]}""", "/enum: 'enum' must be a non-empty array" },
        { """{"type":"string","enum":["a"],"maxLength":3}""", "/maxLength: keyword 'maxLength' next to 'enum' is not supported (only 'type' may accompany it)" },
        { """{"type":"integer","enum":["a","b"]}""", ": no 'enum'/'const' value has an allowed 'type'" },
        { """{"$ref":"#/$defs/a","type":"object","$defs":{"a":{}}}""", "/type: keyword 'type' next to '$ref' is not supported; move it into the referenced or alternative schemas" },
        { """{"type":"object","properties":{"a":false},"required":["a"]}""", "/properties/a: the schema admits no value" },
        { """{"type":"object","properties":{"a/b~c":{"type":"string","uniqueItems":true}}}""", "/properties/a~1b~0c/uniqueItems: keyword 'uniqueItems' is not supported" },
        { """{"type":"string","pattern":"[a-z]{3}","minLength":5}""", ": no string satisfies 'pattern', 'format', 'minLength' and 'maxLength' together" },
        { """{"items":[{"type":"string"}]}""", "/items: 'items' as an array is not supported; use 'prefixItems'" },
        { "[1]", ": a schema must be an object or a boolean, not an array" },
        { "false", ": the schema admits no value" },
        { """{"type":"object","properties":{"x":{"exclusiveMinimum":true}}}""", "/properties/x/exclusiveMinimum: 'exclusiveMinimum' must be a number" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void An_invalid_or_unsupported_schema_is_rejected_naming_the_pointer(string schema, string expected)
    {
        var e = Assert.Throws<StructuredSchemaException>(() =>
            StructuredFixtures.Compiler().CompileJsonSchema(StructuredFixtures.Json(schema), Prefix));
        Assert.Equal(Prefix + expected, e.Message);
        Assert.Equal(e.Message, $"{e.Pointer}: {e.Problem}");
    }

    [Fact]
    public void A_schema_nested_deeper_than_the_nesting_limit_is_rejected()
    {
        var schema = """{"type":"array","minItems":1,"items":{"type":"array","minItems":1,"items":{"type":"array","minItems":1,"items":{"type":"null"}}}}""";
        var e = Assert.Throws<StructuredSchemaException>(() =>
            StructuredFixtures.Compiler(maxNestingDepth: 2).CompileJsonSchema(StructuredFixtures.Json(schema), Prefix));
        Assert.Equal(Prefix + ": the schema needs a nesting depth of 3, more than MaxNestingDepth (2)", e.Message);
    }

    [Fact]
    public void A_schema_whose_grammar_exceeds_MaxGrammarNodes_is_rejected()
    {
        var compiler = new StructuredOutputCompiler(StructuredFixtures.InternS1, new StructuredOutputOptions { MaxGrammarNodes = 1000, PrecomputeMasks = false });
        var e = Assert.Throws<StructuredSchemaException>(() =>
            compiler.CompileJsonSchema(StructuredFixtures.Json("""{"type":"array","items":{"type":"boolean"},"maxItems":5000}"""), Prefix));
        Assert.Equal(Prefix + ": the schema is too large: its grammar would have more than 1000 nodes", e.Message);
        Assert.NotNull(compiler.CompileJsonSchema(StructuredFixtures.Json("""{"type":"array","items":{"type":"boolean"},"maxItems":50}"""), Prefix));
    }

    [Fact]
    public void Annotation_keywords_are_accepted_and_ignored()
    {
        var schema = """{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"urn:x","title":"T","description":"D","examples":[1],"default":1,"$comment":"c","deprecated":false,"readOnly":true,"writeOnly":false,"type":"integer","minimum":1,"maximum":1}""";
        var m = StructuredFixtures.Compiler().CompileJsonSchema(StructuredFixtures.Json(schema)).CreateMatcher();
        Assert.True(m.CanRead("1"u8));
        Assert.False(m.CanRead("2"u8));
    }

    [Fact]
    public void A_failed_compilation_is_cached_and_fails_the_same_way_again()
    {
        var compiler = StructuredFixtures.Compiler();
        var schema = StructuredFixtures.Json("""{"type":"object","minProperties":1}""");
        var first = Assert.Throws<StructuredSchemaException>(() => compiler.CompileJsonSchema(schema, Prefix));
        var second = Assert.Throws<StructuredSchemaException>(() => compiler.CompileJsonSchema(schema, Prefix));
        Assert.Same(first, second);
        Assert.Equal(Prefix + "/minProperties: keyword 'minProperties' is not supported", first.Message);
    }
}
