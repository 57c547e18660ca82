using InternS1.Engine.Torch.Checkpoints;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests.Vision;

/// <summary>
/// A second, deliberately plain implementation of the Intern-S1 vision path for one tile at a time:
/// float64 arrays, explicit loops, per-head attention, written from shared/notes/intern-s1.md §3.3-§3.5
/// and reading weights by their checkpoint names. Row-major flat arrays throughout.
/// </summary>
internal sealed class NaiveVision(IReadOnlyDictionary<string, Tensor> weights, VisionConfig config)
{
    private readonly Dictionary<string, double[]> _cache = new();

    public double[] W(string name)
    {
        if (!_cache.TryGetValue(name, out var values))
            _cache[name] = values = ToDoubles(weights[name]);
        return values;
    }

    public static double[] ToDoubles(Tensor t)
    {
        using var d = t.detach().to(ScalarType.Float64).contiguous();
        return d.data<double>().ToArray();
    }

    /// <summary>Tile [3, H, W] -> [1 + gh·gw, C]: conv by loops, CLS, positions (no interpolation).</summary>
    public double[] Embeddings(double[] pixels, int height, int width)
    {
        int c = config.HiddenSize, p = 14, gh = height / p, gw = width / p;
        var kernel = W("model.vision_tower.embeddings.patch_embeddings.projection.weight");
        var bias = W("model.vision_tower.embeddings.patch_embeddings.projection.bias");
        var cls = W("model.vision_tower.embeddings.cls_token");
        var pos = W("model.vision_tower.embeddings.position_embeddings");
        var x = new double[(1 + gh * gw) * c];
        for (var o = 0; o < c; o++) x[o] = cls[o] + pos[o];
        for (var pr = 0; pr < gh; pr++)
        for (var pc = 0; pc < gw; pc++)
        {
            var token = 1 + pr * gw + pc;
            for (var o = 0; o < c; o++)
            {
                var sum = bias[o];
                for (var ch = 0; ch < 3; ch++)
                for (var ky = 0; ky < p; ky++)
                for (var kx = 0; kx < p; kx++)
                    sum += kernel[((o * 3 + ch) * p + ky) * p + kx] * pixels[(ch * height + pr * p + ky) * width + pc * p + kx];
                x[token * c + o] = sum + pos[token * c + o];
            }
        }
        return x;
    }

    /// <summary>Encoder layer <paramref name="l"/> on one tile's tokens [S, C].</summary>
    public double[] Layer(int l, double[] x, int tokens)
    {
        int c = config.HiddenSize, heads = config.NumAttentionHeads, hd = c / heads;
        var p = $"model.vision_tower.encoder.layer.{l}.";
        var eps = config.LayerNormEps;
        var h = Norm(x, tokens, c, p + "layernorm_before", eps);
        var q = Linear(h, tokens, c, c, W(p + "attention.q_proj.weight"), config.AttentionBias ? W(p + "attention.q_proj.bias") : null);
        var k = Linear(h, tokens, c, c, W(p + "attention.k_proj.weight"), config.AttentionBias ? W(p + "attention.k_proj.bias") : null);
        var v = Linear(h, tokens, c, c, W(p + "attention.v_proj.weight"), config.AttentionBias ? W(p + "attention.v_proj.bias") : null);
        if (config.UseQkNorm)
        {
            q = RmsNorm(q, tokens, c, W(p + "attention.q_norm.weight"), eps);
            k = RmsNorm(k, tokens, c, W(p + "attention.k_norm.weight"), eps);
        }
        var attended = new double[tokens * c];
        var scores = new double[tokens];
        for (var head = 0; head < heads; head++)
        for (var i = 0; i < tokens; i++)
        {
            var max = double.NegativeInfinity;
            for (var j = 0; j < tokens; j++)
            {
                var dot = 0.0;
                for (var d = 0; d < hd; d++) dot += q[i * c + head * hd + d] * k[j * c + head * hd + d];
                scores[j] = dot / Math.Sqrt(hd);
                max = Math.Max(max, scores[j]);
            }
            var total = 0.0;
            for (var j = 0; j < tokens; j++) total += scores[j] = Math.Exp(scores[j] - max);
            for (var d = 0; d < hd; d++)
            {
                var sum = 0.0;
                for (var j = 0; j < tokens; j++) sum += scores[j] / total * v[j * c + head * hd + d];
                attended[i * c + head * hd + d] = sum;
            }
        }
        var projected = Linear(attended, tokens, c, c, W(p + "attention.projection_layer.weight"), W(p + "attention.projection_layer.bias"));
        var lambda1 = W(p + "lambda_1");
        var lambda2 = W(p + "lambda_2");
        var residual = new double[tokens * c];
        for (var n = 0; n < residual.Length; n++) residual[n] = x[n] + lambda1[n % c] * projected[n];
        var up = Linear(Norm(residual, tokens, c, p + "layernorm_after", eps), tokens, c, config.IntermediateSize,
            W(p + "mlp.fc1.weight"), W(p + "mlp.fc1.bias"));
        var down = Linear(Gelu(up), tokens, config.IntermediateSize, c, W(p + "mlp.fc2.weight"), W(p + "mlp.fc2.bias"));
        var output = new double[tokens * c];
        for (var n = 0; n < output.Length; n++) output[n] = residual[n] + lambda2[n % c] * down[n];
        return output;
    }

    /// <summary>Whole tower on one config-sized tile: [1 + N, C].</summary>
    public double[] Tower(double[] pixels)
    {
        int size = config.ImageSize[0], tokens = 1 + config.PatchesPerSide * config.PatchesPerSide;
        var x = Embeddings(pixels, size, size);
        for (var l = 0; l < config.NumHiddenLayers; l++) x = Layer(l, x, tokens);
        return x;
    }

    /// <summary>Closed-form pixel shuffle (notes §3.4): grid [g, g, C] -> [(g/2)², 4C].</summary>
    public static double[] Shuffle(double[] grid, int g, int c)
    {
        int half = g / 2;
        var output = new double[half * half * 4 * c];
        for (var i = 0; i < half; i++)
        for (var j = 0; j < half; j++)
        for (var s = 0; s < 2; s++)
        for (var t = 0; t < 2; t++)
        for (var ch = 0; ch < c; ch++)
            output[(i * half + j) * 4 * c + (s * 2 + t) * c + ch] = grid[((2 * i + s) * g + 2 * j + t) * c + ch];
        return output;
    }

    /// <summary>Projector on [rows, 4C] -> [rows, text hidden].</summary>
    public double[] Projector(double[] x, int rows, int width, int textHidden)
    {
        const string m = "model.multi_modal_projector.";
        var normed = LayerNorm(x, rows, width, W(m + "layer_norm.weight"), W(m + "layer_norm.bias"), 1e-5);
        var hidden = Gelu(Linear(normed, rows, width, textHidden, W(m + "linear_1.weight"), W(m + "linear_1.bias")));
        return Linear(hidden, rows, textHidden, textHidden, W(m + "linear_2.weight"), W(m + "linear_2.bias"));
    }

    /// <summary>One tile -> [image_seq_length, text hidden]: tower, drop CLS, shuffle, projector.</summary>
    public double[] ImageFeatures(double[] pixels, int textHidden)
    {
        int c = config.HiddenSize, g = config.PatchesPerSide;
        var hidden = Tower(pixels);
        var grid = hidden.Skip(c).ToArray();
        var tokens = Shuffle(grid, g, c);
        return Projector(tokens, g * g / 4, 4 * c, textHidden);
    }

    private double[] Norm(double[] x, int rows, int dim, string name, double eps) =>
        config.UsesRmsNorm
            ? RmsNorm(x, rows, dim, W(name + ".weight"), eps)
            : LayerNorm(x, rows, dim, W(name + ".weight"), W(name + ".bias"), eps);

    public static double[] Linear(double[] x, int rows, int inDim, int outDim, double[] weight, double[]? bias)
    {
        var y = new double[rows * outDim];
        for (var r = 0; r < rows; r++)
        for (var o = 0; o < outDim; o++)
        {
            var sum = bias?[o] ?? 0.0;
            for (var i = 0; i < inDim; i++) sum += x[r * inDim + i] * weight[o * inDim + i];
            y[r * outDim + o] = sum;
        }
        return y;
    }

    public static double[] RmsNorm(double[] x, int rows, int dim, double[] weight, double eps)
    {
        var y = new double[x.Length];
        for (var r = 0; r < rows; r++)
        {
            var squares = 0.0;
            for (var d = 0; d < dim; d++) squares += x[r * dim + d] * x[r * dim + d];
            var scale = 1.0 / Math.Sqrt(squares / dim + eps);
            for (var d = 0; d < dim; d++) y[r * dim + d] = weight[d] * x[r * dim + d] * scale;
        }
        return y;
    }

    public static double[] LayerNorm(double[] x, int rows, int dim, double[] weight, double[] bias, double eps)
    {
        var y = new double[x.Length];
        for (var r = 0; r < rows; r++)
        {
            double mean = 0, variance = 0;
            for (var d = 0; d < dim; d++) mean += x[r * dim + d];
            mean /= dim;
            for (var d = 0; d < dim; d++) variance += (x[r * dim + d] - mean) * (x[r * dim + d] - mean);
            variance /= dim;
            for (var d = 0; d < dim; d++) y[r * dim + d] = (x[r * dim + d] - mean) / Math.Sqrt(variance + eps) * weight[d] + bias[d];
        }
        return y;
    }

    /// <summary>Exact GELU x·Φ(x) = x/2·(1 + erf(x/√2)).</summary>
    public static double[] Gelu(double[] x) => x.Select(v => 0.5 * v * (1 + Erf(v / Math.Sqrt(2)))).ToArray();

    /// <summary>erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7).</summary>
    public static double Erf(double x)
    {
        var sign = Math.Sign(x);
        x = Math.Abs(x);
        var t = 1 / (1 + 0.3275911 * x);
        var poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
        return sign * (1 - poly * Math.Exp(-x * x));
    }

    /// <summary>PyTorch bicubic resize (align_corners = false, A = -0.75, edge-clamped taps) of
    /// a [h, w, C] grid to [outH, outW, C].</summary>
    public static double[] Bicubic(double[] grid, int h, int w, int c, int outH, int outW)
    {
        var output = new double[outH * outW * c];
        for (var oy = 0; oy < outH; oy++)
        for (var ox = 0; ox < outW; ox++)
        {
            var (y0, wy) = Taps(oy, h, outH);
            var (x0, wx) = Taps(ox, w, outW);
            for (var ch = 0; ch < c; ch++)
            {
                var sum = 0.0;
                for (var a = 0; a < 4; a++)
                for (var b = 0; b < 4; b++)
                {
                    var yy = Math.Clamp(y0 - 1 + a, 0, h - 1);
                    var xx = Math.Clamp(x0 - 1 + b, 0, w - 1);
                    sum += wy[a] * wx[b] * grid[(yy * w + xx) * c + ch];
                }
                output[(oy * outW + ox) * c + ch] = sum;
            }
        }
        return output;
    }

    private static (int First, double[] Weights) Taps(int index, int inSize, int outSize)
    {
        const double a = -0.75;
        var source = (index + 0.5) * inSize / outSize - 0.5;
        var first = (int)Math.Floor(source);
        var t = source - first;
        static double Near(double x, double a) => ((a + 2) * x - (a + 3)) * x * x + 1;
        static double Far(double x, double a) => ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
        return (first, [Far(t + 1, a), Near(t, a), Near(1 - t, a), Far(2 - t, a)]);
    }
}
