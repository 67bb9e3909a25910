#!/usr/bin/env escript
%% rootload's Erlang client: Erlang/OTP's own `ssl` application (not OpenSSL: OTP implements TLS in
%% Erlang and uses libcrypto only for primitives), as RabbitMQ, EMQX and Elixir services use it:
%% `certfile`/`keyfile` options, so the configured certificate is sent whatever the server's CA
%% list says. One node serves many handshakes over a control connection (start-up would otherwise
%% be the whole latency figure); sessions are never reused.
%%
%% Protocol (tab-separated lines on a TCP control connection to 127.0.0.1:<port>):
%%   request:  id host port tls(1.2|1.3) certPem|- keyPem|- timeoutMs verdictMs
%%   answer:   id ok|fail ms alias issuers detail
%% `alias` is "client" when the client's Certificate message carried a certificate, "null" when it
%% was empty or never sent; `issuers` is how many CA names the server's CertificateRequest held
%% (-1: none was received). Both are read from the ssl application's own handshake log (a logger
%% handler on the [otp, ssl, handshake] domain with `{log_level, debug}` on the connection), so
%% they say what went over the wire, not what was configured.
%%
%% Options after the port: `max_handshake_size=N` (ssl's client option, default 256 KiB).
-module(rootload_erlang_client).
-mode(compile).
-export([main/1, log/2]).

-define(SEEN, rootload_seen).
-define(REQUEST, <<"GET / HTTP/1.0\r\nHost: rootload\r\n\r\n">>).

%% logger handler: runs in the connection's process, records what the handshake carried.
log(#{msg := {report, #{protocol := handshake, direction := Dir, message := Msg}}}, _Config) ->
    seen(Dir, Msg);
log(#{msg := {report, #{alert := Alert, alerter := peer}}}, _Config) when is_tuple(Alert) ->
    %% #alert{level, description, ...}: an alert from the server after ssl:connect returned can
    %% reach a later recv as plain `closed`; the log still has it.
    ets:insert(?SEEN, {peer_alert, element(3, Alert)});
log(_Event, _Config) ->
    ok.

seen(inbound, Msg) when element(1, Msg) =:= certificate_request ->
    %% TLS 1.2: #certificate_request{certificate_types, hashsign_algorithms, certificate_authorities},
    %% the names decoded (OTP 25) or, in older releases, the raw u16-prefixed vector.
    ets:insert(?SEEN, {issuers, count_names(element(4, Msg))});
seen(inbound, Msg) when element(1, Msg) =:= certificate_request_1_3 ->
    Ext = element(3, Msg),
    N = case maps:get(certificate_authorities, Ext, undefined) of
            undefined -> 0;
            CAs -> length(element(2, CAs))
        end,
    ets:insert(?SEEN, {issuers, N});
seen(outbound, Msg) when element(1, Msg) =:= certificate ->
    ets:insert(?SEEN, {sent, element(2, Msg) =/= []});
seen(outbound, Msg) when element(1, Msg) =:= certificate_1_3 ->
    ets:insert(?SEEN, {sent, element(3, Msg) =/= []});
seen(_, _) ->
    ok.

count_names(Names) when is_list(Names) -> length(Names);
count_names(Bin) when is_binary(Bin) -> count_names(Bin, 0).

count_names(<<Len:16, _:Len/binary, Rest/binary>>, N) -> count_names(Rest, N + 1);
count_names(_, N) -> N.

clean(S) ->
    Flat = lists:flatten(S),
    [case C of $\t -> $\s; $\n -> $\s; $\r -> $\s; _ -> C end || C <- Flat].

describe({tls_alert, {Alert, Text}}) ->
    clean(io_lib:format("tls_alert ~p: ~ts", [Alert, Text]));
describe(Reason) ->
    clean(io_lib:format("~0p", [Reason])).

ms_since(T0) ->
    (erlang:monotonic_time(microsecond) - T0) / 1000.

answer(Id, Status, Ms, Detail) ->
    Alias = case ets:lookup(?SEEN, sent) of
                [{sent, true}] -> "client";
                _ -> "null"
            end,
    Issuers = case ets:lookup(?SEEN, issuers) of
                  [{issuers, N}] -> integer_to_list(N);
                  _ -> "-1"
              end,
    [Id, $\t, Status, $\t, io_lib:format("~.3f", [Ms]), $\t, Alias, $\t, Issuers, $\t, Detail].

handshake([Id, Host, Port, Tls, Cert, Key, TimeoutMs, VerdictMs | Rest], Extra) ->
    %% Field 10, the step after the handshake (harness/model/application.ts): a GET only to a web
    %% server; "none" sends nothing and only listens.
    Http = case Rest of [_Starttls, Step | _] -> Step =:= "http"; _ -> true end,
    ets:delete_all_objects(?SEEN),
    Version = case Tls of "1.3" -> 'tlsv1.3'; _ -> 'tlsv1.2' end,
    Identity = case Cert of
                   "-" -> [];
                   _ -> [{certfile, Cert}, {keyfile, Key}]
               end,
    %% TLS 1.2 sessions are cached unless told not to; TLS 1.3 tickets are off by default (and
    %% OTP refuses reuse_sessions there).
    Reuse = case Version of 'tlsv1.2' -> [{reuse_sessions, false}]; _ -> [] end,
    Opts = [{versions, [Version]},
            %% The harness tests the server's CA list, not its certificate.
            {verify, verify_none},
            {active, false},
            {mode, binary},
            {nodelay, true},
            {log_level, debug}
            | Reuse ++ Identity ++ Extra],
    T0 = erlang:monotonic_time(microsecond),
    case ssl:connect(Host, list_to_integer(Port), Opts, list_to_integer(TimeoutMs)) of
        {ok, S} ->
            Ms = ms_since(T0),
            %% TLS 1.3: the server judges the certificate after our Finished; ask for a byte.
            _ = case Http of true -> ssl:send(S, ?REQUEST); false -> ok end,
            R = ssl:recv(S, 0, list_to_integer(VerdictMs)),
            ssl:close(S),
            case R of
                {ok, _} -> answer(Id, "ok", Ms, "");
                {error, timeout} -> answer(Id, "ok", Ms, "");
                {error, closed} ->
                    case ets:lookup(?SEEN, peer_alert) of
                        [{peer_alert, Code}] ->
                            answer(Id, "fail", Ms, io_lib:format(
                                "tls_alert_code ~b: TLS client: received SERVER ALERT after the handshake", [Code]));
                        [] ->
                            answer(Id, "fail", Ms,
                                   "rootload: closed by the server after the handshake, without an alert")
                    end;
                {error, Reason} -> answer(Id, "fail", Ms, describe(Reason))
            end;
        {error, Reason} ->
            answer(Id, "fail", ms_since(T0), describe(Reason))
    end;
handshake([Id | _], _Extra) ->
    [Id, "\tfail\t0\tnull\t-1\trootload: bad request line"].

serve(Sock, Extra) ->
    case gen_tcp:recv(Sock, 0) of
        {ok, <<"quit\n">>} ->
            halt(0);
        {ok, Line} ->
            Fields = string:split(string:trim(binary_to_list(Line), trailing, "\n"), "\t", all),
            Answer = try
                         handshake(Fields, Extra)
                     catch
                         C:E -> [hd(Fields), "\tfail\t0\tnull\t-1\trootload: ",
                                 describe({C, E})]
                     end,
            ok = gen_tcp:send(Sock, [Answer, $\n]),
            serve(Sock, Extra);
        {error, _} ->
            ok
    end.

option(Arg) ->
    case string:split(Arg, "=") of
        ["max_handshake_size", N] -> {max_handshake_size, list_to_integer(N)};
        _ -> erlang:error({bad_option, Arg})
    end.

main([PortArg | OptArgs]) ->
    Extra = [option(A) || A <- OptArgs],
    {ok, _} = application:ensure_all_started(ssl),
    ets:new(?SEEN, [named_table, public, set]),
    %% Only this handler: the default one would print ssl's debug log on stdout.
    logger:set_primary_config(level, debug),
    [logger:remove_handler(H) || H <- logger:get_handler_ids()],
    ok = logger:add_handler(rootload, ?MODULE, #{level => debug}),
    Port = list_to_integer(PortArg),
    {ok, L} = gen_tcp:listen(Port, [binary, {packet, line}, {active, false},
                                    {ip, {127, 0, 0, 1}}, {reuseaddr, true},
                                    {recbuf, 65536}]),
    {ok, Vsn} = application:get_key(ssl, vsn),
    MaxHs = proplists:get_value(max_handshake_size, Extra, default),
    io:format("rootload-erlang-client ready on ~b (OTP ~s, ssl ~s, max_handshake_size=~p)~n",
              [Port, erlang:system_info(otp_release), Vsn, MaxHs]),
    accept(L, Extra).

accept(L, Extra) ->
    {ok, S} = gen_tcp:accept(L),
    serve(S, Extra),
    gen_tcp:close(S),
    accept(L, Extra).
