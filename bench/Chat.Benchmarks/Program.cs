using Chat.Benchmarks;

// dotnet run -c Release --project bench/Chat.Benchmarks -- stats [--forms 1000000] [--years 5]
// dotnet run -c Release --project bench/Chat.Benchmarks -- live  [--rate 200] [--seconds 10] [--pairs 20] [--idle 10000]
var command = args.FirstOrDefault() ?? "help";
switch (command)
{
    case "stats":
        await StatisticsBenchmark.RunAsync(args[1..]);
        break;
    case "live":
        await LiveBenchmark.RunAsync(args[1..]);
        break;
    case "relay-server":
        RelayServer.Run(args[1..]);
        break;
    default:
        Console.WriteLine("usage: Chat.Benchmarks stats [--forms N] [--years Y] [--runs R]");
        Console.WriteLine("       Chat.Benchmarks live [--rate R] [--seconds S] [--pairs P] [--idle N] [--assignments A]");
        break;
}
