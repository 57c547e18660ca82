namespace InternS1.Engine.Execution;

/// <summary>Turns output ids into text for stop strings and <see cref="Requests.EngineResult.OutputText"/>
/// (special tokens kept). Implemented over the model's tokenizer.</summary>
public interface ITokenDecoder
{
    string Decode(IReadOnlyList<int> ids);
}
