using System.Text;
using System.Text.Json;
using InternS1.Text.Structured;
using Json.Schema;

namespace InternS1.Text.Tests.Structured;

/// <summary>Random walks over the real Intern-S1 vocabulary: uniformly random allowed tokens (seeded) until the
/// value is complete; every output must parse and validate with JsonSchema.Net (format assertion on) — the outside
/// validator, not our grammar, is the judge. Every schema bounds every value, so every walk must end.</summary>
public class RandomWalkTests
{
    public static TheoryData<string, string> Schemas() => new()
    {
        { "labels via enum", """{"type":"object","properties":{"label":{"enum":["positive","negative","neutral"]}},"required":["label"],"additionalProperties":false}""" },
        { "nested objects", """{"type":"object","properties":{"person":{"type":"object","properties":{"name":{"type":"string","maxLength":12},"address":{"type":"object","properties":{"city":{"type":"string","maxLength":10},"zip":{"type":"string","pattern":"^[0-9]{5}$"}},"required":["city","zip"]}},"required":["name","address"]}},"required":["person"]}""" },
        { "array with min and max items", """{"type":"array","items":{"type":"integer","minimum":-5,"maximum":5},"minItems":2,"maxItems":4}""" },
        { "numbers with ranges", """{"type":"object","properties":{"score":{"type":"number","minimum":0,"maximum":1,"multipleOf":0.01},"count":{"type":"integer","exclusiveMinimum":0,"maximum":1000},"delta":{"type":"number","minimum":-2.5,"exclusiveMaximum":2.5,"multipleOf":0.1},"big":{"type":"integer","minimum":-1000000000000,"maximum":99999}},"required":["score","count","delta","big"]}""" },
        { "anyOf of shapes and null", """{"anyOf":[{"type":"object","properties":{"kind":{"const":"circle"},"r":{"type":"integer","minimum":1,"maximum":9}},"required":["kind","r"]},{"type":"object","properties":{"kind":{"const":"square"},"side":{"type":"integer","minimum":1,"maximum":9}},"required":["kind","side"]},{"type":"null"}]}""" },
        { "strings with pattern and maxLength", """{"type":"object","properties":{"code":{"type":"string","pattern":"^[A-Z]{2,3}-[0-9]+$","maxLength":8},"note":{"type":"string","minLength":2,"maxLength":6},"word":{"type":"string","pattern":"^(?:ab|cd)+$","maxLength":6}},"required":["code","note","word"]}""" },
        { "formats", """{"type":"object","properties":{"day":{"type":"string","format":"date"},"at":{"type":"string","format":"date-time"},"id":{"type":"string","format":"uuid"},"mail":{"type":"string","format":"email","maxLength":24}},"required":["day","at","id","mail"]}""" },
        { "tuple with prefixItems", """{"type":"array","prefixItems":[{"type":"string","maxLength":5},{"type":"boolean"},{"type":"null"}],"items":false,"minItems":2}""" },
        { "optional properties", """{"type":"object","properties":{"a":{"type":"boolean"},"b":{"type":"integer","minimum":0,"maximum":3},"c":{"type":"string","maxLength":3},"d":{"type":"null"}},"required":["c"],"additionalProperties":false}""" },
        { "type lists and const", """{"type":"object","properties":{"maybe":{"type":["string","null"],"maxLength":4},"version":{"const":2},"flag":{"type":["boolean","integer"],"minimum":0,"maximum":3}},"required":["maybe","version","flag"]}""" },
        { "oneOf and mixed enum", """{"type":"object","properties":{"v":{"oneOf":[{"type":"string","enum":["x","y"]},{"type":"integer","minimum":10,"maximum":12}]},"e":{"enum":[1,"one",null,true,{"k":[1,2]},"quote\"d"]}},"required":["v","e"]}""" },
        { "strings with minLength", """{"type":"array","items":{"type":"string","minLength":3,"maxLength":5},"minItems":1,"maxItems":2}""" },
        { "$defs references", """{"$defs":{"point":{"type":"object","properties":{"x":{"type":"integer","minimum":0,"maximum":99},"y":{"type":"integer","minimum":0,"maximum":99}},"required":["x","y"]}},"type":"object","properties":{"from":{"$ref":"#/$defs/point"},"to":{"$ref":"#/$defs/point"}},"required":["from","to"]}""" },
    };

    [Theory]
    [MemberData(nameof(Schemas))]
    public void Every_random_walk_completes_and_validates_with_JsonSchema_Net(string name, string schema)
    {
        AssertWalksValidate(name, schema, StructuredFixtures.Compiler(), walks: 20);
    }

    [Theory]
    [MemberData(nameof(Schemas))]
    public void Compact_whitespace_walks_validate_too_and_contain_no_space_outside_strings(string name, string schema)
    {
        var outputs = AssertWalksValidate(name, schema, StructuredFixtures.Compiler(JsonWhitespace.Compact), walks: 4);
        foreach (var text in outputs)
            Assert.DoesNotContain(" ", StripStrings(text));
    }

    [Fact]
    public void A_recursive_ref_tree_is_bounded_by_the_nesting_depth_and_validates()
    {
        const string tree = """{"$defs":{"node":{"type":"object","properties":{"v":{"type":"integer","minimum":0,"maximum":9},"kids":{"type":"array","items":{"$ref":"#/$defs/node"},"maxItems":2}},"required":["v","kids"]}},"$ref":"#/$defs/node"}""";
        var outputs = AssertWalksValidate("tree", tree, StructuredFixtures.Compiler(maxNestingDepth: 5), walks: 20);
        foreach (var text in outputs)
        {
            using var doc = JsonDocument.Parse(text);
            Assert.True(Depth(doc.RootElement) <= 5, $"nesting deeper than 5: {text}");
        }
        Assert.Contains(outputs, o => Depth(JsonDocument.Parse(o).RootElement) >= 3);
    }

    [Fact]
    public void Additional_properties_with_a_schema_get_keys_other_than_the_declared_ones()
    {
        const string schema = """{"type":"object","properties":{"a":{"type":"boolean"}},"additionalProperties":{"type":"integer","minimum":0,"maximum":9}}""";
        var grammar = StructuredFixtures.Compiler().CompileJsonSchema(StructuredFixtures.Json(schema));
        var m = grammar.CreateMatcher();
        Assert.True(m.CanRead("{\"a\": true, \"b\": 3, \"zz\": 0}"u8));
        Assert.False(m.CanRead("{\"a\": true, \"a\": 3"u8));
        Assert.False(m.CanRead("{\"b\": 3, \"a\": true"u8));
        Assert.False(m.CanRead("{\"b\": 10"u8));
    }

    private static List<string> AssertWalksValidate(string name, string schema, StructuredOutputCompiler compiler, int walks)
    {
        var grammar = compiler.CompileJsonSchema(StructuredFixtures.Json(schema));
        var validator = JsonSchema.FromText(schema);
        var options = new EvaluationOptions { RequireFormatValidation = true, OutputFormat = OutputFormat.List };
        var outputs = new List<string>();
        for (var seed = 0; seed < walks; seed++)
        {
            var (bytes, terminated, steps) = StructuredFixtures.RandomWalk(grammar.CreateMatcher(), compiler.Vocabulary, seed, maxSteps: 2000);
            var text = Encoding.UTF8.GetString(bytes);
            Assert.True(terminated, $"{name} seed {seed}: no end after {steps} tokens: {text}");
            JsonDocument doc;
            try { doc = JsonDocument.Parse(text); }
            catch (JsonException e) { throw new Xunit.Sdk.XunitException($"{name} seed {seed}: not JSON ({e.Message}): {text}"); }
            var result = validator.Evaluate(doc.RootElement, options);
            var errors = string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));
            Assert.True(result.IsValid, $"{name} seed {seed}: invalid ({errors}): {text}");
            outputs.Add(text);
        }
        Assert.True(outputs.Distinct().Count() > 1 || walks == 1, $"{name}: all walks gave the same output");
        return outputs;
    }

    private static int Depth(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => 1 + e.EnumerateObject().Select(p => Depth(p.Value)).DefaultIfEmpty(0).Max(),
        JsonValueKind.Array => 1 + e.EnumerateArray().Select(Depth).DefaultIfEmpty(0).Max(),
        _ => 0,
    };

    private static string StripStrings(string json)
    {
        var sb = new StringBuilder();
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (inString)
            {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
            }
            else if (c == '"') inString = true;
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
