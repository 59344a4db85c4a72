using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace Mimecast.Tests
{
    /// <summary>
    /// SIEM event streams over the emulator's three sources. The oracle is the emulator's own event set
    /// (GET /_emulator/siem-events), never what the binding returned before.
    /// </summary>
    public sealed class EventStreamTests : EmulatorTests, IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "mimecast-cs-events-" + Guid.NewGuid().ToString("N"));
        private readonly ITestOutputHelper _output;

        public EventStreamTests(EmulatorFixture fixture, ITestOutputHelper output) : base(fixture)
        {
            _output = output;
            Directory.CreateDirectory(_dir);
        }

        public void Dispose() => Directory.Delete(_dir, recursive: true);

        public static IEnumerable<object[]> Kinds() =>
            new[] { EventStreamKind.SiemV1, EventStreamKind.Batch, EventStreamKind.Stream }.Select(k => new object[] { k });

        private MimecastClient ClientFor(EventStreamKind kind) => kind == EventStreamKind.SiemV1 ? Emu.Client() : Emu.OAuthClient();

        private static EventStreamOptions Options(EventStreamKind kind, string? checkpoint = null)
        {
            var o = new EventStreamOptions(kind) { CheckpointPath = checkpoint };
            if (kind != EventStreamKind.SiemV1)
            {
                o.Start = "2026-11-30";
                o.PageSize = 3;
            }
            return o;
        }

        private static string Id(MimecastEvent e) => e.Data.GetProperty("id").GetString()!;

        [Theory]
        [MemberData(nameof(Kinds))]
        public void EventsDeliverTheEmulatorsWholeSetInOrder(EventStreamKind kind)
        {
            using var client = ClientFor(kind);
            var expected = Emu.SiemEvents();
            Assert.True(expected.Length > 20);
            var events = client.Events(Options(kind)).ToList();
            Assert.Equal(expected, events.Select(Id));
            // The JSON text is the event as served, parsed on demand.
            Assert.StartsWith("{", events[0].Json);
            if (kind != EventStreamKind.Stream) Assert.All(events, e => Assert.False(string.IsNullOrEmpty(e.File)));
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public async Task EventsAsyncDeliverTheWholeSet(EventStreamKind kind)
        {
            using var client = ClientFor(kind);
            var ids = new List<string>();
            await foreach (var e in client.EventsAsync(Options(kind)))
                ids.Add(Id(e));
            Assert.Equal(Emu.SiemEvents(), ids);
        }

        [Fact]
        public void TheLowLevelStreamReportsBatchesAndProgress()
        {
            using var client = Emu.OAuthClient();
            using var stream = client.OpenEventStream(Options(EventStreamKind.Stream));
            var ids = new List<string>();
            long bytes = 0;
            while (stream.NextBatch())
            {
                var batch = stream.ReadBatch();
                Assert.InRange(batch.Count, 0, 3);
                ids.AddRange(batch.Select(j => System.Text.Json.JsonDocument.Parse(j).RootElement.GetProperty("id").GetString()!));
                bytes += batch.Sum(j => (long)System.Text.Encoding.UTF8.GetByteCount(j));
                stream.Acknowledge();
            }
            Assert.Equal(Emu.SiemEvents(), ids);
            var p = stream.Progress;
            _output.WriteLine(p.ToString());
            Assert.Equal(ids.Count, p.Events);
            Assert.Equal(bytes, p.Bytes);
            Assert.Equal((ids.Count + 2) / 3, p.Batches);
            Assert.Equal(ids.Count, p.TotalEvents);
        }

        [Fact]
        public void ABatchMustBeAcknowledgedBeforeTheNext()
        {
            using var client = Emu.OAuthClient();
            using var stream = client.OpenEventStream(Options(EventStreamKind.Stream));
            Assert.True(stream.NextBatch());
            Assert.Throws<MimecastInvalidArgumentException>(() => stream.NextBatch());
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void APullResumesFromItsCheckpointWithoutGapAndRepeatsAtMostTheBatchInHand(EventStreamKind kind)
        {
            using var client = ClientFor(kind);
            var expected = Emu.SiemEvents();
            var checkpoint = Path.Combine(_dir, "cp-" + kind + ".json");
            // A consumer that stops after 10 events: the batch in hand is not acknowledged.
            var first = client.Events(Options(kind, checkpoint)).Take(10).Select(Id).ToList();
            Assert.True(File.Exists(checkpoint));
            var rest = client.Events(Options(kind, checkpoint)).Select(Id).ToList();
            Assert.Equal(expected.Take(10), first);
            // No gap: the second run starts at or before event 11, and at or after the first run's last batch.
            var start = Array.IndexOf(expected, rest[0]);
            Assert.InRange(start, 1, 10);
            Assert.Equal(expected.Skip(start), rest);
            // Caught up: a third run from the checkpoint delivers nothing new.
            Assert.Empty(client.Events(Options(kind, checkpoint)));
        }

        [Fact]
        public void ACorruptCheckpointIsRefusedNotRestarted()
        {
            using var client = Emu.OAuthClient();
            var checkpoint = Path.Combine(_dir, "corrupt.json");
            File.WriteAllText(checkpoint, "{not json");
            var e = Assert.Throws<MimecastCheckpointException>(() => client.OpenEventStream(Options(EventStreamKind.Batch, checkpoint)));
            Assert.Equal(MimecastStatus.Checkpoint, e.Status);
            Assert.Contains("corrupt.json", e.Message);
            Assert.Throws<MimecastCheckpointException>(() => client.Events(Options(EventStreamKind.Batch, checkpoint)).First());
            Assert.Equal("{not json", File.ReadAllText(checkpoint));
        }

        [Fact]
        public void ACheckpointOfAnotherKindIsRefused()
        {
            using var client = Emu.OAuthClient();
            var checkpoint = Path.Combine(_dir, "kind.json");
            using (var stream = client.OpenEventStream(Options(EventStreamKind.Batch, checkpoint)))
            {
                Assert.True(stream.NextBatch());
                stream.Acknowledge();
            }
            Assert.True(File.Exists(checkpoint));
            Assert.Throws<MimecastCheckpointException>(() => client.OpenEventStream(Options(EventStreamKind.Stream, checkpoint)));
        }

        [Fact]
        public async Task AFetchIsCancelledInFlight()
        {
            using var client = Emu.OAuthClient();
            client.GetAccount(); // the token first, so that the slow fault holds the SIEM page
            foreach (var blocking in new[] { false, true })
            {
                Emu.Fault("slow", 1, new { delay_s = 5 });
                using var cts = new CancellationTokenSource();
                var watch = Stopwatch.StartNew();
                cts.CancelAfter(200);
                var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
                {
                    if (blocking)
                        await Task.Run(() => client.Events(Options(EventStreamKind.Stream), cts.Token).ToList());
                    else
                        await foreach (var _ in client.EventsAsync(Options(EventStreamKind.Stream), cts.Token)) { }
                });
                var what = blocking ? "Events" : "EventsAsync";
                _output.WriteLine($"{what}: cancelled after 200 ms, returned after {watch.Elapsed.TotalMilliseconds:F0} ms");
                Assert.Equal(cts.Token, e.CancellationToken);
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), what + ": " + watch.Elapsed);
            }
        }

        [Fact]
        public void FollowModeWaitsUntilCancelled()
        {
            using var client = Emu.OAuthClient();
            var options = Options(EventStreamKind.Stream);
            options.Follow = true;
            options.PollInterval = TimeSpan.FromSeconds(30);
            using var cts = new CancellationTokenSource();
            var expected = Emu.SiemEvents();
            var ids = new List<string>();
            var watch = new Stopwatch();
            var e = Assert.ThrowsAny<OperationCanceledException>(() =>
            {
                foreach (var ev in client.Events(options, cts.Token))
                {
                    ids.Add(Id(ev));
                    if (ids.Count == expected.Length)
                    {
                        // Everything delivered: the next MoveNext waits for the next poll, until the cancel.
                        cts.CancelAfter(200);
                        watch.Start();
                    }
                }
            });
            _output.WriteLine($"follow: cancelled after 200 ms, returned after {watch.Elapsed.TotalMilliseconds:F0} ms");
            Assert.Equal(expected, ids);
            Assert.Equal(cts.Token, e.CancellationToken);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), watch.Elapsed.ToString());
        }

        [Fact]
        public void BadOptionsFailWhenTheCallIsMade()
        {
            using var client = Emu.OAuthClient();
            Assert.Throws<ArgumentException>(() => client.Events(new EventStreamOptions()));
            Assert.Throws<ArgumentOutOfRangeException>(() => client.Events(new EventStreamOptions(EventStreamKind.Stream) { PollInterval = TimeSpan.FromMilliseconds(10) }));
            Assert.Throws<MimecastInvalidArgumentException>(() => client.OpenEventStream(new EventStreamOptions(EventStreamKind.Stream) { Start = "30/11/2026" }));
            Assert.Throws<ArgumentNullException>(() => client.Events(null!));
        }

        [Fact]
        public void AnEventParsesOnceAndKeepsItsText()
        {
            var e = new MimecastEvent("{\"id\":\"x\",\"n\":1}", "f.gz");
            Assert.Equal("x", e.Data.GetProperty("id").GetString());
            Assert.Equal(1, e.Data.GetProperty("n").GetInt32());
            Assert.Equal("f.gz", e.File);
            Assert.Throws<MimecastMalformedResponseException>(() => new MimecastEvent("{").Data);
        }
    }
}
