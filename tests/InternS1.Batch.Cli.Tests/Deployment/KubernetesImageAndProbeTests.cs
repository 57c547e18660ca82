using System.Net;
using InternS1.Batch.Cli.Tests.Dashboard;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Health;
using InternS1.Batch.Worker.Hosting;
using InternS1.Batch.Worker.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry.Exporter;

namespace InternS1.Batch.Cli.Tests.Deployment;

/// <summary>What the pods of <c>ops/k8s</c> expect of the interns1 image (<c>ops/Dockerfile</c>) and of the worker: the
/// files the setup Jobs copy out of it, the commands they run, and the ports and paths the probes and scrapers hit.</summary>
public class KubernetesImageAndProbeTests
{
    private static readonly IReadOnlyList<K8sObject> Objects = K8sManifests.Objects();

    private static Dictionary<object, object> Worker => K8sManifests.Containers(K8sManifests.Single(Objects, "Deployment", "interns1-worker")).Single();

    private static WorkerOptions WorkerOptions => ProductSettings.Bind<WorkerOptions>(K8sManifests.Environment(Objects, Worker), WorkerOptions.SectionName);

    /// <summary>The containerPort a probe's port (a name or a number) stands for.</summary>
    private static int PortOf(object port)
    {
        var text = (string)port;
        if (int.TryParse(text, out var number))
            return number;
        var ports = GrafanaFiles.ListOf(Worker["ports"], "ports").Select(p => GrafanaFiles.MapOf(p, "port"));
        var named = ports.SingleOrDefault(p => p.GetValueOrDefault("name") as string == text) ?? throw new Xunit.Sdk.XunitException($"no container port named {text}");
        return int.Parse(GrafanaFiles.Scalar(named, "containerPort", "port"));
    }

    private static IEnumerable<(string Probe, string Path, int Port)> Probes()
    {
        foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
        {
            var get = GrafanaFiles.MapOf(GrafanaFiles.MapOf(Worker.GetValueOrDefault(probe), probe).GetValueOrDefault("httpGet"), probe + ".httpGet");
            yield return (probe, GrafanaFiles.Scalar(get, "path", probe), PortOf(get["port"]));
        }
    }

    [Fact]
    public void Every_file_an_init_container_copies_out_of_the_image_is_a_repository_file_the_Dockerfile_puts_there()
    {
        var files = DockerImage.FilesFromContext();
        var copies = Objects.Where(o => o.Kind == "Job").SelectMany(o => K8sManifests.Containers(o, init: true))
            .Select(c => K8sManifests.Strings(c, "command")).Where(c => c.Count > 0 && c[0] == "cp").ToList();
        Assert.Equal(2, copies.Count);
        foreach (var copy in copies)
        {
            Assert.Equal(3, copy.Count);
            Assert.True(files.TryGetValue(copy[1], out var source), $"{copy[1]} is copied out of the image, but ops/Dockerfile puts no file there ({string.Join(", ", files.Keys)})");
            Assert.True(File.Exists(Path.Combine(TestServices.RepositoryRoot, source)), $"ops/Dockerfile copies {source}, which is not in the repository");
            Assert.DoesNotContain(DockerImage.Ignored(), pattern => source.StartsWith(pattern.Replace("**/", "").TrimEnd('/'), StringComparison.Ordinal));
        }
        Assert.Equal(["/app/ops/roles.sql", "/app/ops/setup.sh"], copies.Select(c => c[1]).Order());
    }

    [Fact]
    public void The_interns1_containers_run_commands_of_the_image_entrypoint_and_the_setup_jobs_run_the_scripts_they_copied()
    {
        Assert.Equal(["/app/interns1"], DockerImage.Entrypoint());
        var interns1 = Objects.Where(o => o.Kind is "Job" or "Deployment").SelectMany(o => K8sManifests.Containers(o))
            .Where(c => GrafanaFiles.Scalar(c, "image", "container").StartsWith("interns1-batch:", StringComparison.Ordinal)).ToList();
        Assert.All(interns1, c => Assert.Empty(K8sManifests.Strings(c, "command")));
        Assert.Equal([["migrate"], ["worker"]], interns1.Select(c => K8sManifests.Strings(c, "args")).OrderBy(a => a[0]));

        foreach (var job in new[] { "interns1-roles", "interns1-broker-users" })
        {
            var o = K8sManifests.Single(Objects, "Job", job);
            var copied = K8sManifests.Strings(K8sManifests.Containers(o, init: true).Single(), "command");
            var main = K8sManifests.Containers(o).Single();
            var mount = GrafanaFiles.Scalar(GrafanaFiles.MapOf(GrafanaFiles.ListOf(main["volumeMounts"], "volumeMounts").Single(), "volumeMount"), "mountPath", "volumeMount");
            Assert.Equal(copied[2].TrimEnd('/'), mount);
            Assert.Contains(mount + "/" + Path.GetFileName(copied[1]), string.Join(" ", K8sManifests.Strings(main, "command")));
        }
    }

    [Fact]
    public void The_probes_and_the_scrape_annotations_reach_the_ports_and_paths_the_worker_listens_on_from_outside_the_pod()
    {
        var options = WorkerOptions;
        Assert.All(Probes(), p => Assert.Equal(options.HealthPort, p.Port));
        Assert.True(ListenHost.IsAny(options.HealthHost), $"Worker:HealthHost {options.HealthHost}: the kubelet probes the pod's address, not its loopback");
        Assert.True(ListenHost.IsAny(options.MetricsHost), $"Worker:MetricsHost {options.MetricsHost}: Prometheus scrapes the pod's address");

        var template = GrafanaFiles.MapOf(GrafanaFiles.MapOf(K8sManifests.Single(Objects, "Deployment", "interns1-worker").Document["spec"], "spec")["template"], "template");
        var annotations = GrafanaFiles.MapOf(GrafanaFiles.MapOf(template["metadata"], "metadata")["annotations"], "annotations");
        Assert.Equal(options.MetricsPort, int.Parse((string)annotations["prometheus.io/port"]));
        Assert.Equal(options.MetricsPort, PortOf("metrics"));
        // The OpenTelemetry Prometheus listener's own default path (the worker does not change it).
        Assert.Equal(new PrometheusHttpListenerOptions().ScrapeEndpointPath, annotations["prometheus.io/path"]);

        var grace = int.Parse(GrafanaFiles.Scalar(K8sManifests.PodSpec(K8sManifests.Single(Objects, "Deployment", "interns1-worker")), "terminationGracePeriodSeconds", "pod"));
        Assert.True(TimeSpan.FromSeconds(grace) > options.ShutdownTimeout + TimeSpan.FromSeconds(20),
            $"terminationGracePeriodSeconds {grace} leaves no margin over Worker:ShutdownTimeout {options.ShutdownTimeout}");
    }

    [Fact]
    public async Task The_health_endpoint_configured_as_the_pod_configures_it_answers_every_probe_path_with_200()
    {
        var options = WorkerOptions;
        // NOTE: the pod's own port may be taken on a shared machine; a free one stands in (the port itself is checked
        // against the probes above). Host, paths and everything else are the pod's. The endpoint binds in StartAsync, so
        // once that returns it answers; a port taken between FreePort and the bind fails the start, and another is tried.
        await using var services = new ServiceCollection().AddLogging().AddHealthChecks().Services.BuildServiceProvider();
        var endpoint = await StartOnAFreePortAsync(services, options);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{options.HealthPort}"), Timeout = TimeSpan.FromSeconds(30) };
            var paths = Probes().Select(p => p.Path).Distinct().ToList();
            Assert.Equal(2, paths.Count);
            foreach (var path in paths)
            {
                using var response = await http.GetAsync(path);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
                Assert.Contains("\"status\":\"Healthy\"", await response.Content.ReadAsStringAsync());
            }
            using var unknown = await http.GetAsync("/health");
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }
        finally
        {
            await endpoint.StopAsync(default);
            endpoint.Dispose();
        }
    }

    private static async Task<HealthEndpoint> StartOnAFreePortAsync(IServiceProvider services, WorkerOptions options)
    {
        for (var attempt = 1; ; attempt++)
        {
            options.HealthPort = MetricsScrape.FreePort();
            var endpoint = new HealthEndpoint(services.GetRequiredService<HealthCheckService>(), Microsoft.Extensions.Options.Options.Create(options),
                NullLogger<HealthEndpoint>.Instance);
            try
            {
                await endpoint.StartAsync(default);
                return endpoint;
            }
            catch (WorkerStartupException) when (attempt < 5)
            {
                endpoint.Dispose();
            }
        }
    }
}
