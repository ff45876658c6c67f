.class Lorg/candor/Empty;
.super Ljava/lang/Object;
.field static s:Ljava/lang/String; = "x"
