# conn_bench: figures for the Salesforce connection layer (rate limiter
# accuracy, REST throughput against tether-sim, session-expiry recovery).
# Included from bench/CMakeLists.txt.
if(TARGET tether-sim)
    add_executable(conn_bench EXCLUDE_FROM_ALL conn_bench.cpp)
    target_link_libraries(conn_bench PRIVATE tether_core tether_testsupport)
    add_dependencies(conn_bench tether-sim)
    add_dependencies(benchmarks conn_bench)
endif()
