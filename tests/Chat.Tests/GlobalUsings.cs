global using Microsoft.Extensions.DependencyInjection;
global using Microsoft.AspNetCore.SignalR.Client;
global using Microsoft.AspNetCore.Hosting;
