using System.Diagnostics;
using InternS1.Batch.Cli.Tests.Dashboard;
using InternS1.Batch.Tests.Infrastructure;

namespace InternS1.Batch.Cli.Tests.Deployment;

/// <summary>
/// Runs a setup Job of <c>ops/k8s</c> here as the kubelet would run its pod: the init container's <c>cp</c> out of the
/// image (the file <c>ops/Dockerfile</c> puts at that path, copied into a folder standing for the emptyDir volume),
/// then the main container's <c>command</c> and <c>args</c> as written, with the environment its <c>envFrom</c> and
/// <c>env</c> give it. Only the volume's mount path (that folder) and the variables in <paramref name="overrides"/>
/// (where the services are, scratch names) differ from the manifest.
/// </summary>
internal static class K8sJobRun
{
    public static async Task<(int Exit, string Output)> RunAsync(IReadOnlyList<K8sObject> objects, string job, IReadOnlyDictionary<string, string> overrides)
    {
        var o = K8sManifests.Single(objects, "Job", job);
        var volume = Directory.CreateTempSubdirectory("interns1-k8s-job-");
        try
        {
            foreach (var init in K8sManifests.Containers(o, init: true))
            {
                var copy = K8sManifests.Strings(init, "command");
                Assert.True(copy is ["cp", _, _], $"{job}: the init container does not run `cp <file> <folder>` ({string.Join(" ", copy)})");
                Assert.Equal(MountPath(init), copy[2].TrimEnd('/'));
                var source = DockerImage.FilesFromContext()[copy[1]];
                File.Copy(Path.Combine(TestServices.RepositoryRoot, source), Path.Combine(volume.FullName, Path.GetFileName(copy[1])));
            }
            var main = K8sManifests.Containers(o).Single();
            var mount = MountPath(main) + "/";
            var argv = K8sManifests.Strings(main, "command").Concat(K8sManifests.Strings(main, "args"))
                .Select(a => a.Replace(mount, volume.FullName + "/", StringComparison.Ordinal)).ToList();
            var info = new ProcessStartInfo(argv[0], argv.Skip(1)) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var (k, v) in K8sManifests.Environment(objects, main))
                info.Environment[k] = v;
            foreach (var (k, v) in overrides)
                info.Environment[k] = v;
            using var p = Process.Start(info)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            return (p.ExitCode, await stdout + await stderr);
        }
        finally
        {
            volume.Delete(recursive: true);
        }
    }

    private static string MountPath(Dictionary<object, object> container)
        => GrafanaFiles.Scalar(GrafanaFiles.MapOf(GrafanaFiles.ListOf(container["volumeMounts"], "volumeMounts").Single(), "volumeMount"), "mountPath", "volumeMount").TrimEnd('/');
}
