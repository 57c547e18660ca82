namespace InternS1.Engine.Torch.Tests.Structured;

/// <summary>The schemas of the structured decoding tests. A random model never chooses to close an unbounded string,
/// so each one bounds every value (enum, const, maxLength, patterns, ranges, maxItems, the nesting depth).</summary>
internal static class StructuredSchemas
{
    /// <summary>The compiler's nesting depth for <see cref="Tree"/>.</summary>
    public const int TreeDepth = 4;

    public const string Tree = """{"$defs":{"node":{"type":"object","properties":{"v":{"type":"integer","minimum":0,"maximum":9},"kids":{"type":"array","items":{"$ref":"#/$defs/node"},"maxItems":2}},"required":["v","kids"]}},"$ref":"#/$defs/node"}""";

    public static readonly (string Name, string Schema)[] Bounded =
    [
        ("labels via enum", """{"type":"object","properties":{"label":{"enum":["positive","negative","neutral"]}},"required":["label"],"additionalProperties":false}"""),
        ("nested objects", """{"type":"object","properties":{"person":{"type":"object","properties":{"name":{"type":"string","maxLength":12},"address":{"type":"object","properties":{"city":{"type":"string","maxLength":10},"zip":{"type":"string","pattern":"^[0-9]{5}$"}},"required":["city","zip"]}},"required":["name","address"]}},"required":["person"]}"""),
        ("array with min and max items", """{"type":"array","items":{"type":"integer","minimum":-5,"maximum":5},"minItems":2,"maxItems":4}"""),
        ("numbers with ranges", """{"type":"object","properties":{"score":{"type":"number","minimum":0,"maximum":1,"multipleOf":0.01},"count":{"type":"integer","exclusiveMinimum":0,"maximum":1000},"delta":{"type":"number","minimum":-2.5,"exclusiveMaximum":2.5,"multipleOf":0.1}},"required":["score","count","delta"]}"""),
        ("anyOf of shapes and null", """{"anyOf":[{"type":"object","properties":{"kind":{"const":"circle"},"r":{"type":"integer","minimum":1,"maximum":9}},"required":["kind","r"]},{"type":"object","properties":{"kind":{"const":"square"},"side":{"type":"integer","minimum":1,"maximum":9}},"required":["kind","side"]},{"type":"null"}]}"""),
        ("strings with pattern and maxLength", """{"type":"object","properties":{"code":{"type":"string","pattern":"^[A-Z]{2,3}-[0-9]+$","maxLength":8},"note":{"type":"string","minLength":2,"maxLength":6},"word":{"type":"string","pattern":"^(?:ab|cd)+$","maxLength":6}},"required":["code","note","word"]}"""),
        ("tuple with prefixItems", """{"type":"array","prefixItems":[{"type":"string","maxLength":5},{"type":"boolean"},{"type":"null"}],"items":false,"minItems":2}"""),
        ("optional properties", """{"type":"object","properties":{"a":{"type":"boolean"},"b":{"type":"integer","minimum":0,"maximum":3},"c":{"type":"string","maxLength":3},"d":{"type":"null"}},"required":["c"],"additionalProperties":false}"""),
        ("type lists and const", """{"type":"object","properties":{"maybe":{"type":["string","null"],"maxLength":4},"version":{"const":2},"flag":{"type":["boolean","integer"],"minimum":0,"maximum":3}},"required":["maybe","version","flag"]}"""),
        ("oneOf and mixed enum", """{"type":"object","properties":{"v":{"oneOf":[{"type":"string","enum":["x","y"]},{"type":"integer","minimum":10,"maximum":12}]},"e":{"enum":[1,"one",null,true,{"k":[1,2]}]}},"required":["v","e"]}"""),
        ("$defs references", """{"$defs":{"point":{"type":"object","properties":{"x":{"type":"integer","minimum":0,"maximum":99},"y":{"type":"integer","minimum":0,"maximum":99}},"required":["x","y"]}},"type":"object","properties":{"from":{"$ref":"#/$defs/point"},"to":{"$ref":"#/$defs/point"}},"required":["from","to"]}"""),
        ("recursive $ref tree", Tree),
    ];
}
