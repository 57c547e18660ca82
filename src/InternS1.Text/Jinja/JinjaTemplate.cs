using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using InternS1.Text.Tokenization;

namespace InternS1.Text.Jinja;

/// <summary>
/// A Jinja template as Hugging Face chat templates use it, rendered with the semantics of the npm package
/// @huggingface/jinja (the reference our golden tests compare against byte for byte): lstrip_blocks and
/// trim_blocks on, set/if/elif/else/for (loop.*, else, break/continue), macros and call blocks, namespace,
/// filter blocks, slicing, tests, filters and string/dict methods. Unsupported syntax fails with the template
/// line and column.
/// </summary>
public sealed class JinjaTemplate
{
    private readonly ProgramNode _program;

    private JinjaTemplate(ProgramNode program) => _program = program;

    /// <summary>Parses template source.</summary>
    /// <exception cref="JinjaException">Syntax error (with line and column).</exception>
    public static JinjaTemplate Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new JinjaTemplate(Parser.Parse(Lexer.Tokenize(source)));
    }

    /// <summary>Renders with the variables of <paramref name="context"/> (JSON values; functions
    /// <c>raise_exception</c>, <c>range</c>, <c>namespace</c>, <c>strftime_now</c> are built in).</summary>
    /// <exception cref="JinjaException">Rendering failed, including <c>raise_exception(...)</c> called by the template.</exception>
    public string Render(JsonObject context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Run(Globals(context, null)).Value;
    }

    /// <summary>
    /// Renders like <see cref="Render"/> and marks which characters of the output came from
    /// <paramref name="content"/>: every string value in it (at any depth, object keys included) is content, labelled
    /// with its path (<c>messages[1].content</c>). Variables of <paramref name="trusted"/> (special tokens read from the
    /// model folder) are template text, as are the template's literals.
    /// <para>What stays content: the characters of a content string wherever they end up — through <c>~</c> and
    /// <c>+</c>, blocks, <c>set</c> blocks, macros and call blocks, loops, indexing and slicing, <c>trim</c>,
    /// <c>strip</c>/<c>lstrip</c>/<c>rstrip</c>, <c>split</c>, <c>replace</c> (the untouched parts; the replacement
    /// keeps its own origin), <c>join</c>, <c>indent</c>, <c>upper</c>/<c>lower</c>/<c>title</c>/<c>capitalize</c>,
    /// <c>tojson</c> and printing of lists and objects (the escaped characters; quotes and punctuation are template),
    /// <c>items()</c>/<c>keys()</c>/loops over objects (keys). What is not: text the template writes itself, numbers and
    /// booleans printed (they cannot spell a token), results of comparisons and tests.</para>
    /// </summary>
    /// <exception cref="JinjaException">Rendering failed.</exception>
    public SegmentedText RenderSegmented(JsonObject content, JsonObject? trusted = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        var output = Run(Globals(trusted ?? [], content));
        return output.Segmented;
    }

    private StringValue Run(Scope globals) => new Interpreter().Run(_program, globals);

    private static Scope Globals(JsonObject context, JsonObject? content)
    {
        var globals = new Scope(null);
        globals.Set("false", BoolValue.False);
        globals.Set("true", BoolValue.True);
        globals.Set("none", NullValue.Instance);
        globals.Set("False", BoolValue.False);
        globals.Set("True", BoolValue.True);
        globals.Set("None", NullValue.Instance);
        globals.Set("raise_exception", new FunctionValue((args, _) =>
            throw new JinjaException("raise_exception: " + string.Join(", ", args.Select(a => a.Render())))));
        globals.Set("range", new FunctionValue((args, _) => Range(args)));
        globals.Set("strftime_now", new FunctionValue((args, _) => new StringValue(StrftimeNow(args.Count > 0 ? args[0].Render() : ""))));
        globals.Set("namespace", new FunctionValue((args, _) => Namespace(args)));
        foreach (var (key, node) in OrderedEntries(context)) globals.Set(key, FromJson(node));
        if (content is not null)
            foreach (var (key, node) in OrderedEntries(content)) globals.Set(key, FromJson(node, key));
        return globals;
    }

    /// <summary><c>.name</c> for identifier-like keys, else <c>["key"]</c>.</summary>
    private static string Member(string key) =>
        key.Length > 0 && (char.IsAsciiLetter(key[0]) || key[0] == '_') && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? "." + key
            : "[" + JsonWriter.Quote(key, ensureAscii: true) + "]";

    private static Value Range(List<Value> args)
    {
        double Num(int i) => args[i] is NumberValue n ? n.Value : throw new InvalidOperationException("range() arguments must be numbers");
        if (args.Count == 0) throw new InvalidOperationException("range() expects at least one argument");
        double start = 0, stop, step = 1;
        if (args.Count == 1) stop = Num(0);
        else { start = Num(0); stop = Num(1); if (args.Count > 2) step = Num(2); }
        if (step == 0) throw new InvalidOperationException("range() step must not be zero");
        var items = new List<Value>();
        for (var i = start; step > 0 ? i < stop : i > stop; i += step) items.Add(new NumberValue(i, false));
        return new ArrayValue(items);
    }

    private static Value Namespace(List<Value> args)
    {
        var ns = new ObjectValue(ObjectKind.Namespace);
        var positional = args.ToList();
        ObjectValue? kwargs = null;
        if (positional.Count > 0 && positional[^1] is ObjectValue { Kind: ObjectKind.KeywordArguments } k) { kwargs = k; positional.RemoveAt(positional.Count - 1); }
        if (positional.Count > 1) throw new InvalidOperationException($"namespace expected at most 1 argument, got {positional.Count}");
        if (positional.Count == 1)
        {
            switch (positional[0])
            {
                case ObjectValue { Kind: ObjectKind.Object } source:
                    foreach (var (key, v) in source.Entries) ns.Set(key, v);
                    break;
                case ArrayValue pairs:
                    foreach (var pair in pairs.Items)
                    {
                        if (pair is not ArrayValue { Items: [StringValue key, var v] }) throw new InvalidOperationException("namespace expected an object or an iterable of [key, value] pairs");
                        ns.Set(key.Value, v);
                    }
                    break;
                default: throw new InvalidOperationException($"'{positional[0].TypeName}' object is not iterable");
            }
        }
        if (kwargs is not null) foreach (var (key, v) in kwargs.Entries) ns.Set(key, v);
        return ns;
    }

    private static string StrftimeNow(string format)
    {
        var now = DateTime.Now;
        return System.Text.RegularExpressions.Regex.Replace(format, "%[YmdbBHM%]", m => m.Value switch
        {
            "%Y" => now.Year.ToString(CultureInfo.InvariantCulture),
            "%m" => now.Month.ToString("00", CultureInfo.InvariantCulture),
            "%d" => now.Day.ToString("00", CultureInfo.InvariantCulture),
            "%b" => now.ToString("MMM", CultureInfo.InvariantCulture),
            "%B" => now.ToString("MMMM", CultureInfo.InvariantCulture),
            "%H" => now.Hour.ToString("00", CultureInfo.InvariantCulture),
            "%M" => now.Minute.ToString("00", CultureInfo.InvariantCulture),
            _ => "%",
        });
    }

    /// <summary>JSON object entries in JavaScript property order (array-index keys first, ascending), as
    /// <c>Object.entries(JSON.parse(...))</c> yields them.</summary>
    private static IEnumerable<KeyValuePair<string, JsonNode?>> OrderedEntries(JsonObject o)
    {
        static bool IsIndex(string k) => k.Length > 0 && k.All(char.IsAsciiDigit) && (k == "0" || k[0] != '0') && k.Length < 10;
        return o.Where(kv => IsIndex(kv.Key)).OrderBy(kv => long.Parse(kv.Key, CultureInfo.InvariantCulture))
            .Concat(o.Where(kv => !IsIndex(kv.Key)));
    }

    /// <summary>A JSON value as a template value; with a <paramref name="path"/>, every string in it is content labelled
    /// with its path below that one.</summary>
    internal static Value FromJson(JsonNode? node, string? path = null)
    {
        switch (node)
        {
            case null: return NullValue.Instance;
            case JsonObject o:
                var obj = new ObjectValue();
                foreach (var (k, v) in OrderedEntries(o))
                {
                    var child = path is null ? null : path + Member(k);
                    obj.Set(child is null ? new StringValue(k) : StringValue.Content(k, child + " (key)"), FromJson(v, child));
                }
                return obj;
            case JsonArray a: return new ArrayValue(a.Select((item, i) => FromJson(item, path is null ? null : $"{path}[{i}]")).ToList());
            case JsonValue v:
                switch (v.GetValueKind())
                {
                    case JsonValueKind.String:
                        return path is null ? new StringValue(v.GetValue<string>()) : StringValue.Content(v.GetValue<string>(), path);
                    case JsonValueKind.True: return BoolValue.True;
                    case JsonValueKind.False: return BoolValue.False;
                    case JsonValueKind.Null: return NullValue.Instance;
                    case JsonValueKind.Number:
                        var d = v.TryGetValue<double>(out var dd) ? dd : double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture);
                        return new NumberValue(d, isFloat: d % 1 != 0 || !double.IsFinite(d));
                }
                break;
        }
        throw new ArgumentException($"unsupported JSON value {node.ToJsonString()}");
    }
}
