using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using InternS1.Text.Chat;

namespace InternS1.Batch.Cli.Commands.Model;

/// <summary><c>interns1 model chat-template --model DIR [--template FILE]</c>: one JSON object of template variables
/// (<c>messages</c>, <c>tools</c>, <c>add_generation_prompt</c>, ...) on stdin -&gt; the rendered prompt on stdout,
/// exactly, without a trailing newline.</summary>
public static class ChatTemplateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder (chat_template.jinja or tokenizer_config.json)", Required = true };
        var template = new Option<string?>("--template") { Description = "Render this template file instead, with the same variables" };
        var command = new Command("chat-template", "Render the model's chat template for a JSON object read from stdin") { model, template };
        command.SetAction(parse => ModelCommandIo.Run(() =>
        {
            var chat = ChatTemplate.Load(parse.GetValue(model)!, parse.GetValue(template));
            JsonObject context;
            try
            {
                context = JsonNode.Parse(Console.In.ReadToEnd()) as JsonObject
                    ?? throw new InvalidDataException("stdin must be one JSON object with the template variables");
            }
            catch (JsonException e) { throw new InvalidDataException($"stdin is not valid JSON: {e.Message}", e); }
            if (context["messages"] is not JsonArray) throw new InvalidDataException("stdin: field \"messages\" must be an array");
            using var stdout = Console.OpenStandardOutput();
            var bytes = new System.Text.UTF8Encoding(false).GetBytes(chat.Render(context));
            stdout.Write(bytes);
        }));
        return command;
    }
}
