using System.CommandLine;
using InternS1.Batch.Worker.Preparation;
using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Modeling;
using InternS1.Engine.Torch.Modeling.Vision;
using InternS1.Batch.Cli.ModelRuntime;
using InternS1.Engine.Torch.Running;
using InternS1.Media;
using InternS1.Media.Config;
using InternS1.Media.Images;
using TorchSharp;

namespace InternS1.Batch.Cli.Commands.Model;

/// <summary>
/// <c>interns1 model vision-features --model DIR --image PATH [--dtype float32]</c>: the image through the
/// model folder's preprocessing (tiling, thumbnail, normalisation), the vision tower, pixel shuffle and the
/// projector; prints <c>{"shape":[tiles, tokens, hidden],"data":[..]}</c> (float32, row-major) on stdout
/// for checks against independent implementations. Only the vision half of the checkpoint is loaded.
/// Exit codes: 0 ok, 1 bad model folder, 2 bad arguments or unreadable image.
/// </summary>
public static class VisionFeaturesCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder (config.json with vision_config, safetensors, preprocessor_config.json)", Required = true };
        var image = new Option<string>("--image") { Description = "Image file (PNG, JPEG, WebP, GIF first frame, BMP)", Required = true };
        var dtype = new Option<string>("--dtype") { Description = "Compute dtype of the vision tower: float32 or bfloat16 (the output is float32 either way)", DefaultValueFactory = _ => "float32" };
        var threads = new Option<int?>("--threads") { Description = "Torch CPU threads (default: all processors)" };
        var command = new Command("vision-features", "Projector output for one image as JSON {\"shape\":[tiles,tokens,hidden],\"data\":[...]}") { model, image, dtype, threads };
        command.SetAction(parse => Run(parse.GetValue(model)!, parse.GetValue(image)!, parse.GetValue(dtype)!, parse.GetValue(threads),
            Console.OpenStandardOutput(), Console.Error));
        return command;
    }

    /// <summary>Runs the command; returns the exit code.</summary>
    public static int Run(string modelDirectory, string imagePath, string dtypeText, int? threads, Stream output, TextWriter error)
    {
        ComputeDtype dtype;
        try
        {
            dtype = ComputeDtypes.Parse(dtypeText);
        }
        catch (ArgumentException e)
        {
            error.WriteLine(e.Message);
            return 2;
        }
        // NOTE: the same heap settings as the worker (Model:KeepFreedMemory's default).
        ProcessHeap.Apply(keepFreedMemory: true);
        if (!Directory.Exists(modelDirectory))
        {
            error.WriteLine($"error: model folder {modelDirectory} does not exist");
            return 1;
        }

        // 1. the model folder's preprocessing settings
        MediaPreprocessingConfig media;
        try
        {
            media = MediaPreprocessingConfig.Load(modelDirectory);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }

        // 2. the image: decode, tile, normalise
        ProcessedImage processed;
        try
        {
            var bytes = File.ReadAllBytes(imagePath);
            processed = new ImagePreprocessor(media.Image, media.TokensPerTile).Process(bytes, new MediaOptions().MaxImagePixels);
        }
        catch (MediaException e)
        {
            error.WriteLine($"error ({MediaFailureReasons.For(e)}): image {imagePath}: {e.Detail}");
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: image {imagePath} cannot be read: {e.Message}");
            return 2;
        }

        // 3. the vision half of the checkpoint, then image features (tower -> shuffle -> projector) -> JSON
        torch.set_num_threads(Math.Max(1, threads ?? Environment.ProcessorCount));
        try
        {
            var config = InternS1Config.Load(modelDirectory);
            if (config.VisionConfig is null)
                throw new ModelConfigException($"{Path.Combine(modelDirectory, "config.json")} has no vision_config: the model is text-only");
            using var model = new InternS1ForConditionalGeneration(config, dtype.ToScalarType(), parts: InternS1Parts.Vision);
            WeightLoader.Load(model, modelDirectory, WeightLoadOptions.For(config, model.UnbuiltPrefixes));
            var size = config.VisionConfig.ImageSize;
            using var pixels = torch.tensor(processed.PixelValues, [processed.NumTiles, 3, size[0], size[1]]);
            using var features = model.model.GetImageFeatures(pixels);
            ImageFeaturesJson.Write(output, features);
        }
        catch (Exception e) when (e is ModelConfigException or CheckpointException or ArgumentException)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
        output.WriteByte((byte)'\n');
        output.Flush();
        return 0;
    }
}
