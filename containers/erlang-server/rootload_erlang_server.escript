#!/usr/bin/env escript
%% rootload's Erlang server: Erlang/OTP's own `ssl` (OTP 25, Debian erlang-ssl) as RabbitMQ, EMQX and
%% Elixir services run it: `cacertfile` is both the trust store and, in the CertificateRequest, the
%% list of CA names (TLS 1.2 always; TLS 1.3 unless `{certificate_authorities, false}`).
%% Reads an Erlang terms file named on the command line and re-reads it on SIGHUP: every later
%% connection is upgraded with the new options (ssl's PEM cache is cleared first, so a rewritten
%% cacertfile is read again). Answers one HTTP/1.0 request per connection with "ok".
%%
%% Config terms: {listen, IpTuple, Port}. {certfile, Path}. {keyfile, Path}. {cacertfile, Path}.
%%   {versions, [Atom]}. {certificate_authorities, Bool}. {fail_if_no_peer_cert, Bool}.
%%   {pidfile, Path}.
-module(rootload_erlang_server).
-mode(compile).
-behaviour(gen_event).
-export([main/1]).
-export([init/1, handle_event/2, handle_call/2, handle_info/2, terminate/2, code_change/3]).

-define(OPTS_KEY, {?MODULE, opts}).
-define(CONF_KEY, {?MODULE, conf}).

log(Fmt, Args) ->
    Line = lists:flatten(io_lib:format(Fmt, Args)),
    io:put_chars(standard_error, [[case C of $\n -> $\s; _ -> C end || C <- Line], $\n]).

read_conf(Path) ->
    {ok, Terms} = file:consult(Path),
    Terms.

ssl_opts(Terms) ->
    Get = fun(K) -> proplists:get_value(K, Terms) end,
    [{certfile, Get(certfile)},
     {keyfile, Get(keyfile)},
     {cacertfile, Get(cacertfile)},
     {verify, verify_peer},
     {fail_if_no_peer_cert, Get(fail_if_no_peer_cert)},
     {versions, Get(versions)}]
    %% certificate_authorities is a TLS 1.3 option: OTP refuses it in a TLS 1.2-only option set
    %% ({options, dependency, {certificate_authorities, {versions, ['tlsv1.3']}}}).
    ++ case lists:member('tlsv1.3', Get(versions)) of
           true -> [{certificate_authorities, Get(certificate_authorities)}];
           false -> []
       end.

count_certs(File) ->
    case file:read_file(File) of
        {ok, Pem} -> length([E || {'Certificate', _, _} = E <- public_key:pem_decode(Pem)]);
        _ -> 0
    end.

apply_conf(Terms) ->
    %% The PEM cache keys on the file name: a rewritten file would otherwise be served from memory.
    ok = ssl:clear_pem_cache(),
    persistent_term:put(?OPTS_KEY, ssl_opts(Terms)),
    count_certs(proplists:get_value(cacertfile, Terms)).

%% gen_event handler on erl_signal_server: SIGHUP reloads.
init(Path) -> {ok, Path}.
handle_event(sighup, Path) ->
    try
        N = apply_conf(read_conf(Path)),
        log("rootload erlang server reloaded cacerts=~b", [N])
    catch C:E ->
        log("rootload erlang server reload failed: ~p:~p", [C, E])
    end,
    {ok, Path};
handle_event(_Signal, Path) -> {ok, Path}.
handle_call(_Req, Path) -> {ok, ok, Path}.
handle_info(_Info, Path) -> {ok, Path}.
terminate(_Reason, _Path) -> ok.
code_change(_Old, Path, _Extra) -> {ok, Path}.

serve(Tcp) ->
    receive go -> ok after 5000 -> ok end,
    case ssl:handshake(Tcp, persistent_term:get(?OPTS_KEY), 30000) of
        {ok, S} ->
            %% TLS 1.3: the client's certificate is judged after its Finished; reading surfaces it.
            case read_head(S, <<>>) of
                ok ->
                    _ = ssl:send(S, <<"HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\n\r\nok\n">>);
                {error, Reason} ->
                    log("rootload erlang server: after the handshake: ~0p", [Reason])
            end,
            ssl:close(S);
        {error, Reason} ->
            log("rootload erlang server: handshake failed: ~0p", [Reason]),
            gen_tcp:close(Tcp)
    end.

read_head(S, Acc) ->
    case binary:match(Acc, <<"\r\n\r\n">>) of
        nomatch when byte_size(Acc) < 65536 ->
            case ssl:recv(S, 0, 30000) of
                {ok, Data} -> read_head(S, <<Acc/binary, Data/binary>>);
                {error, closed} when Acc =/= <<>> -> ok;
                {error, _} = E -> E
            end;
        _ -> ok
    end.

accept(L) ->
    {ok, Tcp} = gen_tcp:accept(L),
    Pid = spawn(fun() -> serve(Tcp) end),
    ok = gen_tcp:controlling_process(Tcp, Pid),
    Pid ! go,
    accept(L).

main([Path]) ->
    {ok, _} = application:ensure_all_started(ssl),
    Terms = read_conf(Path),
    N = apply_conf(Terms),
    {listen, Ip, Port} = lists:keyfind(listen, 1, Terms),
    {ok, L} = gen_tcp:listen(Port, [binary, {ip, Ip}, {active, false}, {reuseaddr, true},
                                    {nodelay, true}, {backlog, 128}]),
    ok = file:write_file(proplists:get_value(pidfile, Terms), os:getpid()),
    ok = gen_event:add_handler(erl_signal_server, ?MODULE, Path),
    ok = os:set_signal(sighup, handle),
    {ok, Vsn} = application:get_key(ssl, vsn),
    log("rootload erlang server listening otp=~s ssl=~s cacerts=~b",
        [erlang:system_info(otp_release), Vsn, N]),
    accept(L).
