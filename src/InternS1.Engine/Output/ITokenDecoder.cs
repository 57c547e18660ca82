namespace InternS1.Engine.Output;

/// <summary>Turns output ids into text for stop strings and <see cref="Requests.EngineResult.OutputText"/>
/// (special tokens kept). Implemented over the model's tokenizer (<see cref="TokenizerDecoder"/>).</summary>
public interface ITokenDecoder
{
    /// <summary>A streaming decoder for one request's output ids.</summary>
    IIncrementalDetokenizer CreateDetokenizer();
}
