namespace InternS1.Text.Structured.Schema;

/// <summary>The JSON Schema instance types, as flags.</summary>
[Flags]
internal enum JsonTypes
{
    None = 0,
    Null = 1,
    Boolean = 2,
    Object = 4,
    Array = 8,
    Number = 16,
    Integer = 32,
    String = 64,
    All = Null | Boolean | Object | Array | Number | Integer | String,
}
