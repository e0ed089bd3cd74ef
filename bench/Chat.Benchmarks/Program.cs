using Chat.Benchmarks;

// dotnet run -c Release --project bench/Chat.Benchmarks -- stats [--forms 1000000] [--years 5]
var command = args.FirstOrDefault() ?? "help";
switch (command)
{
    case "stats":
        await StatisticsBenchmark.RunAsync(args[1..]);
        break;
    default:
        Console.WriteLine("usage: Chat.Benchmarks stats [--forms N] [--years Y] [--runs R]");
        break;
}
