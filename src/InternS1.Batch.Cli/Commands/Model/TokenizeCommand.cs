using System.CommandLine;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using InternS1.Text.Jinja;
using InternS1.Text.Tokenization;

namespace InternS1.Batch.Cli.Commands.Model;

/// <summary><c>interns1 model tokenize --model DIR</c>: JSON lines <c>{"text": "..."}</c> on stdin -&gt;
/// <c>{"ids": [...]}</c> on stdout, one per input line, no special tokens added.</summary>
public static class TokenizeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder with the tokenizer files", Required = true };
        var command = new Command("tokenize", "Encode JSON lines {\"text\": ...} from stdin to {\"ids\": [...]} lines") { model };
        command.SetAction(parse => ModelCommandIo.Run(() =>
        {
            var tokenizer = InternS1Tokenizer.Load(parse.GetValue(model)!);
            ModelCommandIo.ForEachLine((obj, lineNo) =>
            {
                if (obj["text"] is not JsonValue v || !v.TryGetValue<string>(out var text))
                    throw new InvalidDataException($"stdin line {lineNo}: field \"text\" must be a string");
                return new JsonObject { ["ids"] = new JsonArray(tokenizer.Encode(text).Select(id => (JsonNode)id).ToArray()) };
            });
        }));
        return command;
    }
}

/// <summary>Shared stdin/stdout handling of the <c>model</c> text commands: JSON lines in, JSON lines out, and bad
/// input reported on stderr with exit code 2.</summary>
internal static class ModelCommandIo
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static int Run(Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (Exception e) when (e is InvalidDataException or TokenizerFilesException or JinjaException or FileNotFoundException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    public static void ForEachLine(Func<JsonObject, int, JsonObject> map)
    {
        var stdin = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
        using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { NewLine = "\n" };
        string? line;
        var lineNo = 0;
        while ((line = stdin.ReadLine()) != null)
        {
            lineNo++;
            if (line.Trim().Length == 0) continue;
            JsonObject obj;
            try
            {
                obj = JsonNode.Parse(line) as JsonObject ?? throw new InvalidDataException($"stdin line {lineNo}: expected a JSON object");
            }
            catch (JsonException e) { throw new InvalidDataException($"stdin line {lineNo}: invalid JSON: {e.Message}", e); }
            stdout.WriteLine(map(obj, lineNo).ToJsonString(Compact));
        }
    }
}
