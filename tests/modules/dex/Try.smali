.class public Lorg/candor/Try;
.super Ljava/lang/Object;

.method public static div(II)I
    .registers 4
    :start
    div-int v0, p0, p1
    :end
    return v0
    :handler
    move-exception v1
    const/4 v0, -1
    return v0
    .catch Ljava/lang/ArithmeticException; {:start .. :end} :handler
.end method

.method public static sync(Ljava/lang/Object;)V
    .registers 2
    monitor-enter p0
    :a
    nop
    :b
    monitor-exit p0
    return-void
    :c
    move-exception v0
    monitor-exit p0
    throw v0
    .catchall {:a .. :b} :c
.end method
