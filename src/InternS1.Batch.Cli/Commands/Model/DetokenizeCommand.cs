using System.CommandLine;
using System.Text.Json.Nodes;
using InternS1.Text.Tokenization;

namespace InternS1.Batch.Cli.Commands.Model;

/// <summary><c>interns1 model detokenize --model DIR</c>: <c>{"ids": [...]}</c> lines -&gt; <c>{"text": "..."}</c> lines
/// (special tokens kept unless <c>--skip-special-tokens</c>).</summary>
public static class DetokenizeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder with the tokenizer files", Required = true };
        var skip = new Option<bool>("--skip-special-tokens") { Description = "Drop special tokens from the text" };
        var command = new Command("detokenize", "Decode JSON lines {\"ids\": [...]} from stdin to {\"text\": ...} lines") { model, skip };
        command.SetAction(parse => ModelCommandIo.Run(() =>
        {
            var tokenizer = InternS1Tokenizer.Load(parse.GetValue(model)!);
            var skipSpecial = parse.GetValue(skip);
            ModelCommandIo.ForEachLine((obj, lineNo) =>
            {
                if (obj["ids"] is not JsonArray arr) throw new InvalidDataException($"stdin line {lineNo}: field \"ids\" must be an array of integers");
                var ids = arr.Select((n, i) => n is JsonValue v && v.TryGetValue<int>(out var id) ? id
                    : throw new InvalidDataException($"stdin line {lineNo}: ids[{i}] is not an integer")).ToList();
                return new JsonObject { ["text"] = tokenizer.Decode(ids, skipSpecial) };
            });
        }));
        return command;
    }
}
