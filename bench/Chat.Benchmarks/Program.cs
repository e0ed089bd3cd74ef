using Chat.Benchmarks;

// dotnet run -c Release --project bench/Chat.Benchmarks -- stats [--forms 1000000] [--years 5]
// dotnet run -c Release --project bench/Chat.Benchmarks -- live  [--only a,a2,b,c[,c2]] [--rate 200] [--half-load N] [--seconds 10]
//                                                                [--pairs 20] [--inflight 8] [--window 5] [--warmup 3] [--idle 10000]
//                                                                [--assignments 200] [--fsync always|everysec] [--repeat N]
//                                                                [--chat-length 1000] [--one-expert]
// (c2: the Redis mode with Redis:AppendsInFlight=2, on a Redis of its own; not in the default set)
// dotnet run -c Release --project bench/Chat.Benchmarks -- triage [--waiting 40] [--rounds 20]
var command = args.FirstOrDefault() ?? "help";
switch (command)
{
    case "stats":
        await StatisticsBenchmark.RunAsync(args[1..]);
        break;
    case "live":
        await LiveBenchmark.RunAsync(args[1..]);
        break;
    case "triage":
        await TriageBenchmark.RunAsync(args[1..]);
        break;
    case "hold":
        await IdleHold.RunAsync(args[1..]);
        break;
    case "relay-server":
        RelayServer.Run(args[1..]);
        break;
    default:
        Console.WriteLine("usage: Chat.Benchmarks stats [--forms N] [--years Y] [--runs R]");
        Console.WriteLine("       Chat.Benchmarks live [--only a,a2,b,c[,c2]] [--rate R] [--half-load R] [--seconds S] [--pairs P] [--inflight N]");
        Console.WriteLine("                            [--window S] [--warmup S] [--idle N] [--assignments A] [--fsync always|everysec] [--repeat N]");
        Console.WriteLine("                            [--chat-length N (0: endless)] [--one-expert]");
        Console.WriteLine("       Chat.Benchmarks triage [--waiting N] [--rounds R]");
        break;
}
